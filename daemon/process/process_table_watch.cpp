// Watch mode's side of the process table: a changed file restarts (or
// reloads) its app once the changes have stopped for watch_delay, and an app
// that a change broke waits for the next change (waiting_change) instead of
// crash-looping to errored. The inotify side is daemon/watch/.
#include <algorithm>

#include "daemon/process/process_table.h"

namespace tend {
namespace {

// The states a change acts on. Not stopped (the user stopped it: a change
// does not undo that), nor stopping (a restart pending already, or a stop).
// completed: a watched one-shot job runs again on a change, as nodemon does.
bool change_acts_on(InstanceState state) {
    return state != InstanceState::kStopped && state != InstanceState::kStopping;
}

RestartReason change_reason(const std::string& path) {
    return {"watch",
            path.empty() ? "files changed (inotify's queue overflowed)" : path + " changed"};
}

}  // namespace

void ProcessTable::on_watched_change(const std::string& name, const std::string& path) {
    Changing changing(*this);
    auto it = apps_.find(name);
    if (it == apps_.end() || !it->second.spec.watch.enabled) return;
    App& app = it->second;
    bool acts = std::any_of(app.ids.begin(), app.ids.end(),
                            [&](int id) { return change_acts_on(instances_.at(id).state); });
    if (!acts) return;
    // Debounced: each change of a burst pushes the deadline back, and the
    // burst is named by its first path.
    if (app.watch_deadline_ms == 0) app.watch_change = path;
    app.watch_deadline_ms = clock_.now_ms() + std::max<std::int64_t>(0, app.spec.watch.delay_ms);
}

std::optional<std::int64_t> ProcessTable::watch_deadline() const {
    std::optional<std::int64_t> next;
    for (const auto& [name, app] : apps_)
        if (app.watch_deadline_ms != 0 && (!next || app.watch_deadline_ms < *next))
            next = app.watch_deadline_ms;
    return next;
}

void ProcessTable::watch_tick(std::int64_t now) {
    std::vector<std::string> due;
    for (const auto& [name, app] : apps_)
        if (app.watch_deadline_ms != 0 && app.watch_deadline_ms <= now) due.push_back(name);
    for (const auto& name : due) {
        auto it = apps_.find(name);
        if (it == apps_.end()) continue;
        App& app = it->second;
        app.watch_deadline_ms = 0;
        RestartReason reason = change_reason(app.watch_change);
        app.watch_change.clear();
        std::vector<int> reloads;
        for (int id : std::vector<int>(app.ids)) {
            Instance* inst = lookup(id);
            if (!inst || !change_acts_on(inst->state)) continue;
            bool running =
                inst->state == InstanceState::kOnline || inst->state == InstanceState::kLaunching;
            if (running && app.spec.watch.reload) {
                reloads.push_back(id);
            } else if (running) {
                begin_stop(*inst, AfterStop::kRestart, reason);
            } else {
                start_on_change(*inst, reason);
            }
        }
        if (!reloads.empty()) reload(reloads, reason);
    }
}

// waiting_restart, waiting_change, errored, completed: started once, now,
// with a fresh crash-loop count (as a user's restart gives).
void ProcessTable::start_on_change(Instance& inst, const RestartReason& reason) {
    inst.deadline_ms = 0;
    inst.history = RestartHistory{};
    count_restart(inst, reason);
    spawn_or_error(inst);
}

// The rule (docs/architecture.md, "Watch mode"): a watched app's process
// that a change started and that exits unstable (before min_uptime) waits
// for the next change: the change broke it, and restarting the same files
// would only crash again. Any crash loop of a watched app that would end
// errored waits for a change too. An exit the policy does not restart
// (autorestart off, stop_exit_codes) is left to it.
bool ProcessTable::wait_for_change(Instance& inst, const RestartDecision& d,
                                   std::int64_t uptime_ms) {
    const AppSpec& spec = apps_.at(inst.app).spec;
    if (!spec.watch.enabled || d.action == ExitAction::kStop) return false;
    bool broken_by_change = inst.watch_started && uptime_ms < spec.restart.min_uptime_ms;
    if (d.action != ExitAction::kErrored && !broken_by_change) return false;
    inst.history = d.next;
    inst.state = InstanceState::kWaitingChange;
    inst.deadline_ms = 0;
    return true;
}

std::vector<WatchTarget> ProcessTable::watch_targets() const {
    std::vector<WatchTarget> out;
    for (const auto& name : app_order_) {
        const App& app = apps_.at(name);
        const WatchOptions& w = app.spec.watch;
        if (!w.enabled) continue;
        WatchTarget& t = out.emplace_back();
        t.app = name;
        t.cwd = app.spec.cwd;
        t.paths = w.paths;
        if (t.paths.empty() && !app.spec.cwd.empty()) t.paths.push_back(app.spec.cwd);
        t.ignore = w.ignore;
        for (int id : app.ids) {
            const Instance& inst = instances_.at(id);
            for (const std::string* log : {&inst.out_log, &inst.err_log})
                if (!log->empty() &&
                    std::find(t.log_files.begin(), t.log_files.end(), *log) == t.log_files.end())
                    t.log_files.push_back(*log);
        }
        t.private_dirs = {config_.home, config_.log_dir};
    }
    return out;
}

void ProcessTable::set_watch_status(const std::string& app, std::string status) {
    auto it = apps_.find(app);
    if (it != apps_.end()) it->second.watch_status = std::move(status);
}

}  // namespace tend
