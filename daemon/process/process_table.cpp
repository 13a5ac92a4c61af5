// The process table's state machine: start, stop, restart, delete, exits
// and deadlines. Reading the table (targets, infos) is in process_table_view.cpp.
#include "daemon/process/process_table.h"

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "common/errors.h"
#include "common/signals.h"
#include "common/text.h"

namespace tend {
namespace {

// Signals that mean the program itself failed (they dump core by default),
// as opposed to one that something else sent it.
bool is_crash_signal(int sig) {
    return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
           sig == SIGSYS || sig == SIGTRAP;
}

RestartReason exit_reason(const Instance& inst) {
    if (inst.exit_signal) {
        std::string kind = is_crash_signal(*inst.exit_signal) ? "crash" : "signal";
        return {kind, "signal " + signal_name(*inst.exit_signal)};
    }
    return {"exit_code", "exit code " + std::to_string(inst.exit_code.value_or(0))};
}

}  // namespace

void MetricsHistory::add(double cpu_percent, std::int64_t rss) {
    if (ring_.size() < kMetricsHistory) {
        if (ring_.empty()) ring_.reserve(kMetricsHistory);
        ring_.push_back({cpu_percent, rss});
        return;
    }
    ring_[next_] = {cpu_percent, rss};
    next_ = (next_ + 1) % kMetricsHistory;
}

std::vector<double> MetricsHistory::cpu() const {
    std::vector<double> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i)
        out.push_back(ring_[(next_ + i) % ring_.size()].cpu);
    return out;
}

std::vector<std::int64_t> MetricsHistory::memory() const {
    std::vector<std::int64_t> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i)
        out.push_back(ring_[(next_ + i) % ring_.size()].memory);
    return out;
}

ProcessTable::ProcessTable(TableSeams seams, TableConfig config)
    : launcher_(seams.launcher),
      sockets_(seams.sockets),
      stopper_(seams.launcher, seams.sockets),
      messenger_(seams.messenger),
      clock_(seams.clock),
      config_(std::move(config)) {}

ProcessTable::Changing::Changing(ProcessTable& table) : table_(table) {
    ++table_.changing_;
}

ProcessTable::Changing::~Changing() {
    if (--table_.changing_ != 0 || !table_.watcher_) return;
    try {
        table_.watcher_(table_.next_deadline());
    } catch (...) {
        // Never out of a destructor; the daemon's watcher does not throw.
    }
}

std::vector<int> ProcessTable::start(const AppSpec& given) {
    Changing changing(*this);
    validate(given);
    AppSpec spec = given;
    resolve_instances_per_cpu(spec, usable_cpus());
    resolve_exec_mode(spec);  // settled now: scaling later does not change it
    if (apps_.count(spec.name))
        throw TendError(ErrorCode::kAlreadyExists, "an app named '" + spec.name +
                                                       "' already exists; use 'tend restart " +
                                                       spec.name + "'");
    if (runs_node(spec) && config_.node_preload.empty() &&
        port_sharing(spec, starting_env(spec)) == PortSharing::kInherit)
        throw TendError(ErrorCode::kSpawnFailed,
                        "cannot share port " + std::to_string(spec.listen.port) + " with '" +
                            spec.name + "': tend's node preload (preload.js) is not installed");
    check_app_instances(spec.name, spec.instances);
    check_total_instances(spec.instances);
    // Bound before anything is added: a port in use fails the start cleanly.
    int listen_fd =
        spec.listen.port != 0 ? sockets_.open_listener(spec.listen.host, spec.listen.port) : -1;
    App& app = apps_[spec.name];
    app.spec = spec;
    app.listen_fd = listen_fd;
    app_order_.push_back(spec.name);
    int first_id = next_id_;
    for (int index = 0; index < spec.instances; ++index) add_instance(app, index);
    try {
        spawn(instances_.at(app.ids.front()));
    } catch (const TendError&) {
        // A first exec that fails is the user's mistake, not a crash loop:
        // nothing is added, not even an id, and the error goes straight back.
        for (int id : std::vector<int>(app.ids)) erase(id);
        next_id_ = first_id;
        throw;
    }
    for (std::size_t i = 1; i < app.ids.size(); ++i) spawn_or_error(instances_.at(app.ids[i]));
    arm_schedule(app);
    return app.ids;
}

void ProcessTable::check_total_instances(std::int64_t more) const {
    auto total = static_cast<std::int64_t>(instances_.size()) + more;
    if (total > config_.limits.total)
        throw TendError(ErrorCode::kLimitExceeded,
                        "cannot run " + std::to_string(total) +
                            " instances: a daemon runs at most " +
                            std::to_string(config_.limits.total) + " (it has " +
                            std::to_string(instances_.size()) +
                            "; \"max_instances\" in config.json raises it)");
}

void ProcessTable::check_app_instances(const std::string& name, std::int64_t count) const {
    if (count > config_.limits.per_app)
        throw TendError(ErrorCode::kLimitExceeded,
                        "cannot run " + std::to_string(count) + " instances of '" + name +
                            "': an app runs at most " + std::to_string(config_.limits.per_app) +
                            " (\"max_instances\" in config.json raises it)");
}

Instance& ProcessTable::add_instance(App& app, int index) {
    Instance inst;
    inst.id = next_id_++;
    inst.index = index;
    inst.app = app.spec.name;
    inst.created_wall_ms = clock_.wall_ms();
    std::tie(inst.out_log, inst.err_log) = log_paths(app.spec, index);
    // Kept in index order. A start or a scale up adds past the end: checked
    // first, so adding n instances costs n, not n squared.
    auto at = app.ids.empty() || instances_.at(app.ids.back()).index < index
                  ? app.ids.end()
                  : std::find_if(app.ids.begin(), app.ids.end(),
                                 [&](int id) { return instances_.at(id).index > index; });
    app.ids.insert(at, inst.id);
    return instances_.emplace(inst.id, std::move(inst)).first->second;
}

void ProcessTable::stop(const std::vector<int>& ids) {
    Changing changing(*this);
    for (int id : ids)
        if (Instance* inst = lookup(id)) {
            inst->schedule_paused = true;  // a cron job waits for a restart
            begin_stop(*inst, AfterStop::kNone);
        }
    notify_waiters();
}

void ProcessTable::restart(const std::vector<int>& ids) {
    Changing changing(*this);
    for (int id : ids)
        if (Instance* inst = lookup(id))
            begin_stop(*inst, AfterStop::kRestart, {"user", "tend restart"});
    notify_waiters();
}

void ProcessTable::remove(const std::vector<int>& ids) {
    Changing changing(*this);
    for (int id : ids)
        if (Instance* inst = lookup(id)) begin_stop(*inst, AfterStop::kDelete);
    notify_waiters();
}

void ProcessTable::on_exit(int id, int pid, std::optional<int> exit_code,
                           std::optional<int> signal) {
    Changing changing(*this);
    sockets_.remove_worker(pid);
    Instance* inst = lookup(id);
    if (!inst) return;
    if (on_retired_exit(*inst, pid)) return;
    if (inst->pid != pid) return;
    if (on_replacement_failed(*inst, pid)) {
        inst->exit_code = exit_code;
        inst->exit_signal = signal;
        return;
    }
    inst->pid = 0;
    inst->exit_code = exit_code;
    inst->exit_signal = signal;
    // The leader is gone; whatever it started in its group would be orphaned.
    signal_group(pid, SIGKILL);
    if (inst->state == InstanceState::kStopping)
        finish_stop(*inst);
    else
        handle_crash(*inst);
    notify_waiters();
}

void ProcessTable::tick() {
    Changing changing(*this);
    std::int64_t now = clock_.now_ms();
    std::vector<int> due;
    for (const auto& [id, inst] : instances_)
        if ((inst.deadline_ms != 0 && inst.deadline_ms <= now) ||
            (inst.retire_deadline_ms != 0 && inst.retire_deadline_ms <= now))
            due.push_back(id);
    for (int id : due) {
        Instance& inst = instances_.at(id);
        if (inst.retire_deadline_ms != 0 && inst.retire_deadline_ms <= now)
            stop_overdue(inst.app, inst.retiring_pid, inst.retire_step, inst.retire_deadline_ms);
        if (inst.deadline_ms == 0 || inst.deadline_ms > now) continue;
        inst.deadline_ms = 0;
        if (inst.state == InstanceState::kLaunching) {
            launch_overdue(inst);  // listen_timeout passed without a ready (health.cpp)
        } else if (inst.state == InstanceState::kWaitingRestart) {
            count_restart(inst, inst.pending_reason);
            spawn_or_error(inst);
        } else if (inst.state == InstanceState::kStopping && inst.pid != 0) {
            stop_overdue(inst.app, inst.pid, inst.stop_step, inst.deadline_ms);
        }
    }
    watch_tick(now);
    run_due_schedules(now);
    notify_waiters();
}

void ProcessTable::stop_overdue(const std::string& app, int pid, StopStep& step,
                                std::int64_t& deadline_ms) {
    const RestartPolicy& policy = apps_.at(app).spec.restart;
    step = stopper_.overdue(pid, step, policy);
    deadline_ms = step == StopStep::kKilled ? 0 : clock_.now_ms() + policy.kill_timeout_ms;
}

std::optional<std::int64_t> ProcessTable::next_deadline() const {
    std::optional<std::int64_t> next;
    for (const auto& [id, inst] : instances_)
        for (std::int64_t at : {inst.deadline_ms, inst.retire_deadline_ms})
            if (at != 0 && (!next || at < *next)) next = at;
    if (auto watch = watch_deadline(); watch && (!next || *watch < *next)) next = watch;
    if (auto check = next_schedule_check(); check && (!next || *check < *next)) next = check;
    return next;
}

void ProcessTable::when_settled(std::vector<int> ids, std::function<void()> done) {
    waiters_.push_back({std::move(ids), std::move(done)});
    notify_waiters();
}

void ProcessTable::set_metrics(int id, double cpu, std::int64_t memory, double cpu_seconds) {
    Instance* inst = lookup(id);
    if (!inst) return;
    if (cpu_seconds > 0) inst->cpu_seconds += cpu_seconds;
    inst->cpu = cpu;
    inst->memory = memory;
    inst->metrics.add(cpu, memory);
    check_memory(*inst);
}

void ProcessTable::check_memory(Instance& inst) {
    std::int64_t limit = apps_.at(inst.app).spec.restart.max_memory_bytes;
    if (limit <= 0 || inst.memory <= limit || inst.state != InstanceState::kOnline) {
        inst.memory_over = 0;
        return;
    }
    if (++inst.memory_over < kMemoryOverSamples) return;
    inst.memory_over = 0;
    Changing changing(*this);
    std::string detail =
        "rss " + format_bytes(inst.memory) + " over max_memory_restart " + format_bytes(limit);
    begin_stop(inst, AfterStop::kRestart, {"memory", detail});
    notify_waiters();
}

void ProcessTable::count_restart(Instance& inst, const RestartReason& reason) {
    inst.restarts++;
    inst.restarts_by_reason[reason.kind]++;
    inst.last_reason = reason;
}

void ProcessTable::spawn(Instance& inst) {
    SpawnRequest request = spawn_request(inst);
    inst.pid = launcher_.spawn(request);
    inst.env = InstanceEnv::sharing(std::move(request.env), apps_.at(inst.app).shared_env);
    inst.node_worker = request.node_cluster;
    inst.stop_step = StopStep::kNone;
    inst.stop_requested = false;
    if (request.node_cluster) sockets_.add_worker(inst.pid, request.name, request.listen_fd);
    const ListenOptions& listen = apps_.at(inst.app).spec.listen;
    // A readiness probe gates online as wait_ready does, but with no timeout.
    bool probed = gated_by_probe(inst);
    inst.state = listen.wait_ready || probed ? InstanceState::kLaunching : InstanceState::kOnline;
    inst.started_ms = clock_.now_ms();
    inst.started_wall_ms = clock_.wall_ms();
    inst.deadline_ms =
        listen.wait_ready && !probed ? inst.started_ms + listen.listen_timeout_ms : 0;
    reset_health(inst);
    inst.cpu = 0;
    inst.memory = 0;
    inst.memory_over = 0;
    inst.watch_started = inst.last_reason.kind == "watch";
    inst.schedule_paused = false;
}

void ProcessTable::spawn_or_error(Instance& inst) {
    try {
        spawn(inst);
    } catch (const TendError& e) {
        // Kept as the instance's reason, so list, describe and the CLI's
        // reply can say why (out of descriptors, a log file it cannot open).
        inst.pid = 0;
        inst.state = InstanceState::kErrored;
        inst.last_reason = {"spawn_failed", e.what()};
    }
}

void ProcessTable::begin_stop(Instance& inst, AfterStop after, RestartReason reason) {
    if (after == AfterStop::kRestart) inst.pending_reason = std::move(reason);
    if (inst.retiring_pid != 0 && inst.retire_deadline_ms == 0) retire(inst);
    switch (inst.state) {
        case InstanceState::kLaunching:
        case InstanceState::kOnline: {
            const RestartPolicy& policy = apps_.at(inst.app).spec.restart;
            inst.state = InstanceState::kStopping;
            inst.after_stop = after;
            inst.deadline_ms = clock_.now_ms() + policy.kill_timeout_ms;
            inst.stop_step = stopper_.begin(inst.pid, policy);
            break;
        }
        case InstanceState::kStopping:
            // A delete asked while a restart is pending still deletes.
            if (inst.after_stop != AfterStop::kDelete) inst.after_stop = after;
            break;
        default:
            inst.deadline_ms = 0;
            inst.after_stop = after;
            finish_stop(inst);
    }
}

void ProcessTable::finish_stop(Instance& inst) {
    AfterStop after = inst.after_stop;
    inst.after_stop = AfterStop::kNone;
    inst.deadline_ms = 0;
    inst.cpu = 0;
    inst.memory = 0;
    if (after == AfterStop::kDelete) {
        erase(inst.id);
        return;
    }
    if (after == AfterStop::kRestart) {
        // A restart asked by the user starts fresh: the crash-loop count and
        // the backoff begin again, so an errored instance gets a new chance.
        inst.history = RestartHistory{};
        count_restart(inst, inst.pending_reason);
        spawn_or_error(inst);
        return;
    }
    inst.state = InstanceState::kStopped;
    inst.stop_requested = true;
}

void ProcessTable::handle_crash(Instance& inst) {
    const AppSpec& spec = apps_.at(inst.app).spec;
    ExitFacts facts{clock_.now_ms() - inst.started_ms, inst.exit_code};
    RestartDecision d = decide_restart(spec.restart, inst.history, facts);
    inst.cpu = 0;
    inst.memory = 0;
    if (wait_for_change(inst, d, facts.uptime_ms)) return;
    switch (d.action) {
        case ExitAction::kStop:
            // A one-shot app that did its job is completed, not stopped: a
            // dependant waiting for completed_successfully can tell them apart.
            inst.state = !spec.restart.autorestart && !inst.exit_signal && inst.exit_code == 0
                             ? InstanceState::kCompleted
                             : InstanceState::kStopped;
            return;
        case ExitAction::kErrored:
            inst.state = InstanceState::kErrored;
            return;
        case ExitAction::kRestart:
            inst.history = d.next;
            inst.pending_reason = exit_reason(inst);
            if (d.delay_ms > 0) {
                inst.state = InstanceState::kWaitingRestart;
                inst.deadline_ms = clock_.now_ms() + d.delay_ms;
                return;
            }
            count_restart(inst, inst.pending_reason);
            spawn_or_error(inst);
    }
}

void ProcessTable::erase(int id) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return;
    std::string name = it->second.app;
    // A process being replaced goes with its instance (its exit finds no one).
    if (it->second.retiring_pid != 0) signal_group(it->second.retiring_pid, SIGKILL);
    instances_.erase(it);
    std::erase(reload_queue_, id);
    if (reloading_id_ == id) {
        reloading_id_ = -1;
        advance_reload();  // not end_reload_step: waiters are notified by our caller
    }
    auto app = apps_.find(name);
    if (app == apps_.end()) return;
    std::erase(app->second.ids, id);
    if (app->second.ids.empty()) {
        sockets_.close_listener(app->second.listen_fd);
        apps_.erase(app);
        std::erase(app_order_, name);
    }
}

bool ProcessTable::settled(int id) const {
    const Instance* inst = find(id);
    if (!inst) return true;
    bool reloading =
        inst->retiring_pid != 0 || reloading_id_ == id ||
        std::find(reload_queue_.begin(), reload_queue_.end(), id) != reload_queue_.end();
    return !reloading && inst->state != InstanceState::kStopping &&
           inst->after_stop == AfterStop::kNone;
}

void ProcessTable::notify_waiters() {
    // Callbacks may add waiters or change the table, so collect first.
    std::vector<std::function<void()>> ready;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        bool all = true;
        for (int id : it->ids) all = all && settled(id);
        if (all) {
            ready.push_back(std::move(it->done));
            it = waiters_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& done : ready) done();
}

Instance* ProcessTable::lookup(int id) {
    auto it = instances_.find(id);
    return it == instances_.end() ? nullptr : &it->second;
}

const Instance* ProcessTable::find(int id) const {
    auto it = instances_.find(id);
    return it == instances_.end() ? nullptr : &it->second;
}

const App* ProcessTable::find_app(const std::string& name) const {
    auto it = apps_.find(name);
    return it == apps_.end() ? nullptr : &it->second;
}

}  // namespace tend
