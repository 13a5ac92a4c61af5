// Reading the process table: targets to ids, instance infos for list and
// describe, and the specs `tend save` writes.
#include "common/errors.h"
#include "common/signals.h"
#include "common/text.h"
#include "daemon/process/process_table.h"

namespace tend {

TargetResolution ProcessTable::resolve(const TargetQuery& query, bool allow_empty) const {
    std::vector<TargetApp> apps;
    apps.reserve(app_order_.size());
    for (const auto& name : app_order_) {
        const App& app = apps_.at(name);
        TargetApp& t = apps.emplace_back(TargetApp{name, app.spec.ns, app.spec.script, {}});
        for (int id : app.ids) t.instances.push_back({id, instances_.at(id).index});
    }
    return resolve_targets(query, apps, allow_empty);
}

std::vector<int> ProcessTable::resolve(const std::vector<std::string>& targets,
                                       bool allow_empty) const {
    return resolve(TargetQuery{targets, std::nullopt, ""}, allow_empty).ids;
}

std::string ProcessTable::suggestion(const std::string& word) const {
    auto guess = closest_match(word, app_order_);
    return guess ? " (did you mean '" + *guess + "'?)" : "";
}

const App& ProcessTable::app_named(const std::string& name) const {
    auto it = apps_.find(name);
    if (it == apps_.end())
        throw TendError(ErrorCode::kNotFound, "no app named '" + name + "'" + suggestion(name));
    return it->second;
}

std::vector<AppSpec> ProcessTable::specs() const {
    std::vector<AppSpec> out;
    for (const auto& name : app_order_) out.push_back(apps_.at(name).spec);
    return out;
}

std::vector<int> ProcessTable::all_ids() const {
    std::vector<int> ids;
    ids.reserve(instances_.size());
    for (const auto& [id, inst] : instances_) ids.push_back(id);
    return ids;
}

std::vector<std::pair<int, int>> ProcessTable::running() const {
    std::vector<std::pair<int, int>> out;
    for (const auto& [id, inst] : instances_)
        if (inst.pid != 0) out.emplace_back(id, inst.pid);
    return out;
}

bool ProcessTable::ready(const Instance& inst) const {
    return inst.state == InstanceState::kOnline && (!gated_by_probe(inst) || inst.probe_ready);
}

InstanceInfo ProcessTable::info(int id, bool with_spec, bool with_history) const {
    const Instance& inst = instances_.at(id);
    const AppSpec& spec = apps_.at(inst.app).spec;
    InstanceInfo i;
    i.id = inst.id;
    i.name = inst.app;
    i.ns = spec.ns;
    i.instance = inst.index;
    i.mode = inst.node_worker ? "cluster" : "fork";  // what its process runs as
    i.pid = inst.pid;
    i.status = inst.state;
    i.restarts = inst.restarts;
    i.unstable_restarts = inst.history.unstable_restarts;
    i.created_at = inst.created_wall_ms;
    i.started_at = inst.started_wall_ms;
    bool up = inst.state == InstanceState::kOnline || inst.state == InstanceState::kLaunching;
    i.uptime_ms = up ? clock_.now_ms() - inst.started_ms : 0;
    i.cpu = inst.cpu;
    i.memory = inst.memory;
    i.exit_code = inst.exit_code;
    if (inst.exit_signal) i.exit_signal = signal_name(*inst.exit_signal);
    i.out_log = inst.out_log;
    i.err_log = inst.err_log;
    i.restart_reason = inst.last_reason.kind;
    i.restart_reason_detail = inst.last_reason.detail;
    i.ready = ready(inst);
    i.health = health_shown(inst);
    i.watch_status = apps_.at(inst.app).watch_status;
    // A firing acts on every instance but a stopped one (or a cron job the user stopped).
    bool waits =
        inst.state == InstanceState::kStopped && (spec.restart.autorestart || inst.schedule_paused);
    i.next_run_at = waits ? 0 : apps_.at(inst.app).next_run_wall_ms;
    if (with_history) {
        i.cpu_history = inst.metrics.cpu();
        i.memory_history = inst.metrics.memory();
    }
    if (with_spec) {
        i.spec = spec;
        i.spec->base_env.clear();  // the shell's whole environment is noise here
    }
    return i;
}

std::vector<InstanceInfo> ProcessTable::infos(const std::vector<int>& ids, bool with_spec,
                                              bool with_history) const {
    std::vector<InstanceInfo> out;
    out.reserve(ids.size());
    for (int id : ids)
        if (instances_.count(id)) out.push_back(info(id, with_spec, with_history));
    return out;
}

}  // namespace tend
