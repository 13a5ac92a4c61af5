// Field by field: an Instance carries its whole state machine position.
#include "daemon/handover/table_state_json.h"

namespace tend {
namespace {

json reason_json(const RestartReason& r) {
    return {{"kind", r.kind}, {"detail", r.detail}};
}

RestartReason reason_from(const json& j) {
    return {j.value("kind", ""), j.value("detail", "")};
}

json optional_int(const std::optional<int>& v) {
    return v ? json(*v) : json();
}

std::optional<int> int_from(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<int>();
}

json instance_json(const Instance& i) {
    return {{"id", i.id},
            {"index", i.index},
            {"app", i.app},
            {"state", static_cast<int>(i.state)},
            {"pid", i.pid},
            {"created_wall_ms", i.created_wall_ms},
            {"started_wall_ms", i.started_wall_ms},
            {"started_ms", i.started_ms},
            {"deadline_ms", i.deadline_ms},
            {"stop_step", static_cast<int>(i.stop_step)},
            {"node_worker", i.node_worker},
            {"restarts", i.restarts},
            {"restarts_by_reason", i.restarts_by_reason},
            {"unstable_restarts", i.history.unstable_restarts},
            {"backoff_ms", i.history.backoff_ms},
            {"exit_code", optional_int(i.exit_code)},
            {"exit_signal", optional_int(i.exit_signal)},
            {"after_stop", static_cast<int>(i.after_stop)},
            {"out_log", i.out_log},
            {"err_log", i.err_log},
            {"last_reason", reason_json(i.last_reason)},
            {"pending_reason", reason_json(i.pending_reason)},
            {"retiring_pid", i.retiring_pid},
            {"retire_deadline_ms", i.retire_deadline_ms},
            {"retire_step", static_cast<int>(i.retire_step)},
            {"retiring_started_ms", i.retiring_started_ms},
            {"retiring_started_wall_ms", i.retiring_started_wall_ms},
            {"env", i.env.to_map()},
            {"retiring_env", i.retiring_env.to_map()},
            {"probe_ready", i.probe_ready},
            {"health", i.health},
            {"watch_started", i.watch_started},
            {"schedule_paused", i.schedule_paused}};
}

Instance instance_from(const json& j) {
    Instance i;
    i.id = j.at("id").get<int>();
    i.index = j.at("index").get<int>();
    i.app = j.at("app").get<std::string>();
    i.state = static_cast<InstanceState>(j.at("state").get<int>());
    i.pid = j.value("pid", 0);
    i.created_wall_ms = j.value("created_wall_ms", std::int64_t{0});
    i.started_wall_ms = j.value("started_wall_ms", std::int64_t{0});
    i.started_ms = j.value("started_ms", std::int64_t{0});
    i.deadline_ms = j.value("deadline_ms", std::int64_t{0});
    i.stop_step = static_cast<StopStep>(j.value("stop_step", 0));
    i.node_worker = j.value("node_worker", false);
    i.restarts = j.value("restarts", 0);
    i.restarts_by_reason = j.value("restarts_by_reason", std::map<std::string, std::int64_t>{});
    i.history.unstable_restarts = j.value("unstable_restarts", 0);
    i.history.backoff_ms = j.value("backoff_ms", std::int64_t{0});
    i.exit_code = int_from(j, "exit_code");
    i.exit_signal = int_from(j, "exit_signal");
    i.after_stop = static_cast<AfterStop>(j.value("after_stop", 0));
    i.out_log = j.value("out_log", "");
    i.err_log = j.value("err_log", "");
    i.last_reason = reason_from(j.value("last_reason", json::object()));
    i.pending_reason = reason_from(j.value("pending_reason", json::object()));
    i.retiring_pid = j.value("retiring_pid", 0);
    i.retire_deadline_ms = j.value("retire_deadline_ms", std::int64_t{0});
    i.retire_step = static_cast<StopStep>(j.value("retire_step", 0));
    i.retiring_started_ms = j.value("retiring_started_ms", std::int64_t{0});
    i.retiring_started_wall_ms = j.value("retiring_started_wall_ms", std::int64_t{0});
    i.env = InstanceEnv(j.value("env", EnvMap{}));
    i.retiring_env = InstanceEnv(j.value("retiring_env", EnvMap{}));
    i.probe_ready = j.value("probe_ready", false);
    i.health = j.value("health", "");
    i.watch_started = j.value("watch_started", false);
    i.schedule_paused = j.value("schedule_paused", false);
    return i;
}

}  // namespace

namespace {

void append(std::string& out, const json& j) {
    out += j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void append_table_state(std::string& out, const TableView& table,
                        const std::function<std::string(int)>& fd_name) {
    out += "{\"next_id\":" + std::to_string(table.next_id) + ",\"apps\":[";
    bool first = true;
    for (const std::string& name : table.app_order) {
        auto it = table.apps.find(name);
        if (it == table.apps.end()) continue;
        const App& app = it->second;
        if (!first) out += ',';
        first = false;
        append(out, {{"spec", app.spec},
                     {"ids", app.ids},
                     {"listen", app.listen_fd >= 0 ? fd_name(app.listen_fd) : ""},
                     {"watch_deadline_ms", app.watch_deadline_ms},
                     {"watch_change", app.watch_change},
                     {"next_run_wall_ms", app.next_run_wall_ms},
                     {"schedule_check_ms", app.schedule_check_ms}});
    }
    out += "],\"instances\":[";
    first = true;
    for (const auto& [id, inst] : table.instances) {
        if (!first) out += ',';
        first = false;
        append(out, instance_json(inst));
    }
    out += "],\"reload_queue\":";
    append(out, table.reload_queue);
    out += ",\"reloading_id\":" + std::to_string(table.reloading_id) + "}";
}

TableState table_state_from_json(const json& j,
                                 const std::function<int(const std::string&)>& fd_of) {
    TableState state;
    state.next_id = j.value("next_id", 0);
    for (const json& a : j.at("apps")) {
        App app;
        app.spec = a.at("spec").get<AppSpec>();
        app.ids = a.value("ids", std::vector<int>{});
        std::string listen = a.value("listen", "");
        app.listen_fd = listen.empty() ? -1 : fd_of(listen);
        app.watch_deadline_ms = a.value("watch_deadline_ms", std::int64_t{0});
        app.watch_change = a.value("watch_change", "");
        app.next_run_wall_ms = a.value("next_run_wall_ms", std::int64_t{0});
        app.schedule_check_ms = a.value("schedule_check_ms", std::int64_t{0});
        state.app_order.push_back(app.spec.name);
        state.apps[app.spec.name] = std::move(app);
    }
    for (const json& i : j.at("instances")) {
        Instance inst = instance_from(i);
        state.instances[inst.id] = std::move(inst);
    }
    state.reload_queue = j.value("reload_queue", std::vector<int>{});
    state.reloading_id = j.value("reloading_id", -1);
    return state;
}

}  // namespace tend
