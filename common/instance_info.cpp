// InstanceInfo's JSON form.
#include "common/instance_info.h"

#include <array>
#include <utility>

namespace tend {
namespace {

constexpr std::array<std::pair<InstanceState, std::string_view>, 8> kStates{{
    {InstanceState::kLaunching, "launching"},
    {InstanceState::kOnline, "online"},
    {InstanceState::kWaitingRestart, "waiting_restart"},
    {InstanceState::kStopping, "stopping"},
    {InstanceState::kStopped, "stopped"},
    {InstanceState::kErrored, "errored"},
    {InstanceState::kCompleted, "completed"},
    {InstanceState::kWaitingChange, "waiting_change"},
}};

}  // namespace

std::string_view to_string(InstanceState state) {
    for (const auto& [s, name] : kStates)
        if (s == state) return name;
    return "stopped";
}

InstanceState instance_state_from_string(std::string_view text) {
    for (const auto& [s, name] : kStates)
        if (name == text) return s;
    return InstanceState::kStopped;
}

void to_json(json& j, const InstanceInfo& i) {
    j = json{{"id", i.id},
             {"name", i.name},
             {"namespace", i.ns},
             {"instance", i.instance},
             {"mode", i.mode},
             {"pid", i.pid},
             {"status", to_string(i.status)},
             {"restarts", i.restarts},
             {"unstable_restarts", i.unstable_restarts},
             {"created_at", i.created_at},
             {"started_at", i.started_at},
             {"uptime_ms", i.uptime_ms},
             {"cpu", i.cpu},
             {"memory", i.memory},
             {"exit_code", i.exit_code ? json(*i.exit_code) : json(nullptr)},
             {"exit_signal", i.exit_signal ? json(*i.exit_signal) : json(nullptr)},
             {"out_log", i.out_log},
             {"err_log", i.err_log}};
    j["restart_reason"] = i.restart_reason.empty() ? json(nullptr) : json(i.restart_reason);
    j["restart_reason_detail"] = i.restart_reason_detail;
    j["ready"] = i.ready;
    j["health"] = i.health.empty() ? json(nullptr) : json(i.health);
    j["next_run_at"] = i.next_run_at == 0 ? json(nullptr) : json(i.next_run_at);
    if (!i.cpu_history.empty() || !i.memory_history.empty()) {
        j["cpu_history"] = i.cpu_history;
        j["memory_history"] = i.memory_history;
    }
    if (i.spec) j["spec"] = *i.spec;
    if (!i.watch_status.empty()) j["watch_status"] = i.watch_status;
}

void from_json(const json& j, InstanceInfo& i) {
    i.id = j.at("id").get<int>();
    i.name = j.at("name").get<std::string>();
    i.ns = j.value("namespace", "default");
    i.instance = j.at("instance").get<int>();
    i.mode = j.value("mode", "fork");
    i.pid = j.value("pid", 0);
    i.status = instance_state_from_string(j.value("status", "stopped"));
    i.restarts = j.value("restarts", 0);
    i.unstable_restarts = j.value("unstable_restarts", 0);
    i.created_at = j.value("created_at", std::int64_t{0});
    i.started_at = j.value("started_at", std::int64_t{0});
    i.uptime_ms = j.value("uptime_ms", std::int64_t{0});
    i.cpu = j.value("cpu", 0.0);
    i.memory = j.value("memory", std::int64_t{0});
    if (auto c = j.find("exit_code"); c != j.end() && c->is_number_integer())
        i.exit_code = c->get<int>();
    if (auto s = j.find("exit_signal"); s != j.end() && s->is_string())
        i.exit_signal = s->get<std::string>();
    i.out_log = j.value("out_log", "");
    i.err_log = j.value("err_log", "");
    if (auto r = j.find("restart_reason"); r != j.end() && r->is_string())
        i.restart_reason = r->get<std::string>();
    i.restart_reason_detail = j.value("restart_reason_detail", "");
    i.ready = j.value("ready", false);
    if (auto h = j.find("health"); h != j.end() && h->is_string()) i.health = h->get<std::string>();
    if (auto n = j.find("next_run_at"); n != j.end() && n->is_number_integer())
        i.next_run_at = n->get<std::int64_t>();
    i.cpu_history = j.value("cpu_history", std::vector<double>{});
    i.memory_history = j.value("memory_history", std::vector<std::int64_t>{});
    if (auto s = j.find("spec"); s != j.end() && s->is_object()) i.spec = s->get<AppSpec>();
    i.watch_status = j.value("watch_status", "");
}

}  // namespace tend
