// The process table's zero-downtime reload, readiness (wait_ready), scaling
// and the IPC messages it routes. The rest of the state machine is in
// process_table.cpp.
#include <algorithm>
#include <csignal>
#include <unordered_set>

#include "common/errors.h"
#include "common/signals.h"
#include "daemon/process/process_table.h"

namespace tend {

void ProcessTable::reload(const std::vector<int>& ids, const RestartReason& reason) {
    Changing changing(*this);
    for (int id : ids) {
        Instance* inst = lookup(id);
        if (!inst || id == reloading_id_) continue;
        inst->pending_reason = reason;
        bool queued =
            std::find(reload_queue_.begin(), reload_queue_.end(), id) != reload_queue_.end();
        if (!queued) reload_queue_.push_back(id);
    }
    advance_reload();
    notify_waiters();
}

void ProcessTable::advance_reload() {
    while (reloading_id_ < 0 && !reload_queue_.empty()) {
        int id = reload_queue_.front();
        reload_queue_.erase(reload_queue_.begin());
        Instance* inst = lookup(id);
        if (!inst) continue;
        if (inst->state == InstanceState::kOnline)
            start_replacement(*inst);
        else  // nothing serving to keep: a plain restart
            begin_stop(*inst, AfterStop::kRestart, RestartReason(inst->pending_reason));
    }
}

void ProcessTable::start_replacement(Instance& inst) {
    int old_pid = inst.pid;
    std::int64_t old_started = inst.started_ms, old_wall = inst.started_wall_ms;
    auto old_env = inst.env;
    try {
        spawn(inst);
    } catch (const TendError&) {
        return;  // the old process serves on; the launcher logged why
    }
    inst.retiring_pid = old_pid;
    inst.retiring_env = std::move(old_env);
    inst.retiring_started_ms = old_started;
    inst.retiring_started_wall_ms = old_wall;
    count_restart(inst, inst.pending_reason);
    inst.watch_started = inst.last_reason.kind == "watch";
    inst.history = RestartHistory{};
    reloading_id_ = inst.id;
    if (inst.state == InstanceState::kOnline) retire(inst);  // no wait_ready: ready once spawned
    if (gated_by_probe(inst)) inst.deadline_ms = inst.started_ms + replacement_patience(inst);
}

// The replacement is ready: stop the old process gracefully.
void ProcessTable::retire(Instance& inst) {
    const RestartPolicy& policy = apps_.at(inst.app).spec.restart;
    inst.retire_deadline_ms = clock_.now_ms() + policy.kill_timeout_ms;
    inst.retire_step = stopper_.begin(inst.retiring_pid, policy);
}

// Instance id is done with (replaced, or gone): the next one's turn.
void ProcessTable::end_reload_step(int id) {
    if (reloading_id_ == id) {
        reloading_id_ = -1;
        advance_reload();
    }
    notify_waiters();
}

void ProcessTable::become_online(Instance& inst) {
    inst.state = InstanceState::kOnline;
    inst.deadline_ms = 0;
    if (inst.retiring_pid != 0 && inst.retire_deadline_ms == 0) retire(inst);
}

bool ProcessTable::on_retired_exit(Instance& inst, int pid) {
    if (pid == 0 || pid != inst.retiring_pid) return false;
    signal_group(pid, SIGKILL);  // what it left in its group
    inst.retiring_pid = 0;
    inst.retire_deadline_ms = 0;
    inst.retiring_env.clear();
    inst.retire_step = StopStep::kNone;
    end_reload_step(inst.id);
    return true;
}

// The replacement died before it was ready: the old process, still
// serving, stays the instance, and the reload goes on with the next one.
bool ProcessTable::on_replacement_failed(Instance& inst, int pid) {
    if (inst.retiring_pid == 0 || inst.retire_deadline_ms != 0) return false;
    signal_group(pid, SIGKILL);
    inst.pid = inst.retiring_pid;
    inst.env = std::move(inst.retiring_env);
    inst.started_ms = inst.retiring_started_ms;
    inst.started_wall_ms = inst.retiring_started_wall_ms;
    inst.retiring_pid = 0;
    inst.state = InstanceState::kOnline;
    inst.deadline_ms = 0;
    end_reload_step(inst.id);
    return true;
}

void ProcessTable::mark_ready(int pid) {
    Changing changing(*this);
    for (auto& [id, inst] : instances_) {
        if (inst.pid != pid || inst.state != InstanceState::kLaunching) continue;
        if (gated_by_probe(inst)) return;  // its readiness probe decides
        become_online(inst);
        notify_waiters();
        return;
    }
}

std::optional<int> ProcessTable::instance_of_pid(int pid) const {
    if (pid <= 0) return std::nullopt;
    for (const auto& [id, inst] : instances_)
        if (inst.pid == pid || inst.retiring_pid == pid) return id;
    return std::nullopt;
}

std::vector<int> ProcessTable::send_message(const std::vector<int>& ids, const std::string& line) {
    std::vector<int> reached;
    for (int id : ids) {
        const Instance* inst = find(id);
        if (inst && inst->pid != 0 && messenger_.send_message(inst->pid, line))
            reached.push_back(id);
    }
    return reached;
}

std::vector<int> ProcessTable::scale(const std::string& name, std::int64_t count) {
    Changing changing(*this);
    App& app = apps_.at(app_named(name).spec.name);
    std::vector<int> changed = resize(app, count);
    // A count the user chose: no longer one per CPU (a resurrect keeps it).
    app.spec.instances_per_cpu.clear();
    return changed;
}

std::vector<int> ProcessTable::resize(App& app, std::int64_t count) {
    const std::string& name = app.spec.name;
    if (count < 1 || count > config_.limits.per_app)
        throw TendError(ErrorCode::kBadRequest, "cannot scale '" + name + "' to " +
                                                    std::to_string(count) + " instances (1.." +
                                                    std::to_string(config_.limits.per_app) +
                                                    "; use 'tend stop " + name + "' to stop it)");
    check_total_instances(count - static_cast<std::int64_t>(app.ids.size()));
    app.spec.instances = static_cast<int>(count);
    std::vector<int> changed;
    // The lowest free indexes, found in one pass (app.ids is in index order).
    std::unordered_set<int> used;
    for (int id : app.ids) used.insert(instances_.at(id).index);
    for (int index = 0; static_cast<int>(app.ids.size()) < count; ++index) {
        if (used.count(index)) continue;
        Instance& inst = add_instance(app, index);
        changed.push_back(inst.id);
        spawn_or_error(inst);
    }
    // app.ids is in index order: the highest indexes go.
    bool shrinking = static_cast<int>(app.ids.size()) > count;
    if (shrinking) changed.assign(app.ids.begin() + count, app.ids.end());
    for (int id : shrinking ? changed : std::vector<int>{})
        if (Instance* inst = lookup(id)) begin_stop(*inst, AfterStop::kDelete);
    notify_waiters();
    return changed;
}

std::vector<int> ProcessTable::scale_down(const std::string& name, int index) {
    Changing changing(*this);
    App& app = apps_.at(app_named(name).spec.name);
    auto it = std::find_if(app.ids.begin(), app.ids.end(),
                           [&](int id) { return instances_.at(id).index == index; });
    if (it == app.ids.end())
        throw TendError(ErrorCode::kNotFound,
                        "no instance " + std::to_string(index) + " of '" + name + "'");
    if (app.ids.size() < 2)
        throw TendError(
            ErrorCode::kBadRequest,
            "cannot scale '" + name + "' to 0 instances (use 'tend stop " + name + "' to stop it)");
    int id = *it;
    app.spec.instances = static_cast<int>(app.ids.size()) - 1;
    app.spec.instances_per_cpu.clear();
    begin_stop(instances_.at(id), AfterStop::kDelete);
    notify_waiters();
    return {id};
}

}  // namespace tend
