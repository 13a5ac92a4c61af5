// The process table: every app and instance, and their state machine
// (launching → online → waiting_restart / stopping → stopped / errored).
// Plain code: it acts through three seams (a Launcher, a SocketBroker, a
// Messenger) and reads a Clock, is told about exits with on_exit() and about
// time with tick(), tells its watcher its next deadline after every change,
// and never touches libuv.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/app_spec.h"
#include "common/instance_info.h"
#include "daemon/cluster/socket_broker.h"
#include "daemon/ipc/messenger.h"
#include "daemon/process/clock.h"
#include "daemon/process/graceful_stop.h"
#include "daemon/process/instance_env.h"
#include "daemon/process/launcher.h"
#include "daemon/process/restart_policy.h"
#include "daemon/process/target_resolver.h"
#include "daemon/watch/watch_target.h"

namespace tend {

// What a user asked of a stopping instance, done once it has exited.
enum class AfterStop { kNone, kRestart, kDelete };

// Samples over max_memory_restart in a row before the instance is restarted:
// "stays above", so one spike (a GC about to run) does not cost a restart.
inline constexpr int kMemoryOverSamples = 2;

// Why an instance restarted, as jlist and describe report it.
struct RestartReason {
    std::string kind;    // "crash", "signal", "exit_code", "memory", "user", "watch"
    std::string detail;  // "signal SIGSEGV", "exit code 3", "rss 250.0mb over 200.0mb"
};

// Every kind a restart can have, in the order /metrics lists them (each is
// shown from 0 on, so a first restart is a rise Prometheus sees).
inline constexpr const char* kRestartKinds[] = {"crash", "signal", "exit_code", "memory",
                                                "user",  "watch",  "health",    "cron"};

// The last kMetricsHistory samples of one instance, oldest first, in a ring
// made at its first sample that never grows or moves: a deque took a new
// block each time its window crossed one, so an idle daemon's memory
// stepped up half an hour into slow sampling.
class MetricsHistory {
  public:
    void add(double cpu_percent, std::int64_t rss);
    std::vector<double> cpu() const;
    std::vector<std::int64_t> memory() const;

  private:
    struct Sample {
        double cpu;
        std::int64_t memory;
    };
    std::vector<Sample> ring_;  // capacity kMetricsHistory once used
    std::size_t next_ = 0;      // where the next sample goes once full
};

// Which of an app's probes a result is of.
enum class ProbeRole { kReadiness, kLiveness };

// A probe's results in a row: passes, or failures, since the last change.
struct ProbeStreak {
    int passes = 0;
    int failures = 0;
};

struct Instance {
    int id = 0;
    int index = 0;
    std::string app;
    InstanceState state = InstanceState::kStopped;
    int pid = 0;
    std::int64_t created_wall_ms = 0;
    std::int64_t started_wall_ms = 0;
    std::int64_t started_ms = 0;   // monotonic, for uptime
    std::int64_t deadline_ms = 0;  // restart time (waiting_restart) or next stop step (stopping)
    StopStep stop_step = StopStep::kNone;  // of pid, while stopping
    bool node_worker = false;              // pid was started as a Node cluster worker
    int restarts = 0;
    // /metrics' counters: restarts by reason kind, and CPU seconds of the
    // instance's processes as sampled. Never lowered (`tend reset` zeroes
    // restarts, not these): Prometheus reads a counter that falls as a reset.
    std::map<std::string, std::int64_t> restarts_by_reason;
    double cpu_seconds = 0;
    RestartHistory history;
    std::optional<int> exit_code;
    std::optional<int> exit_signal;
    AfterStop after_stop = AfterStop::kNone;
    std::string out_log;
    std::string err_log;
    double cpu = 0;
    std::int64_t memory = 0;
    MetricsHistory metrics;
    int memory_over = 0;           // samples in a row over max_memory_restart
    RestartReason last_reason;     // of the last restart; empty kind = none yet
    RestartReason pending_reason;  // of the restart a stopping instance waits for
    // Reload: the process being replaced, stopped once pid is ready.
    int retiring_pid = 0;
    std::int64_t retire_deadline_ms = 0;  // its next stop step, once retired
    StopStep retire_step = StopStep::kNone;
    std::int64_t retiring_started_ms = 0;
    std::int64_t retiring_started_wall_ms = 0;
    // The environment the current process was started with (`tend env`),
    // and the retiring one's, given back if its replacement fails.
    InstanceEnv env;
    InstanceEnv retiring_env;
    // Health probes, of the current pid (process_table_health.cpp): results
    // in a row, whether its readiness passed, and its liveness verdict.
    ProbeStreak readiness_streak;
    ProbeStreak liveness_streak;
    bool probe_ready = false;  // its readiness probe passed (and has not failed since)
    std::string health;        // "healthy", "unhealthy", "unknown"; "" = no probe
    // Watch mode (process_table_watch.cpp): the current process was started
    // by a watched change, so dying young means the change broke it.
    bool watch_started = false;
    // cron_restart (process_table_schedule.cpp): a cron job the user stopped
    // waits for a restart or start; set by stop(), cleared by the next spawn.
    bool schedule_paused = false;
    // The last process ended because it was asked to stop (`tend stop`, a
    // shutdown), not by itself: tend-runtime's exit status tells them apart.
    bool stop_requested = false;
};

struct App {
    AppSpec spec;
    std::vector<int> ids;  // in index order
    int listen_fd = -1;    // the shared listening socket (--port), for the app's life
    // Watch mode (process_table_watch.cpp): when the debounced change acts
    // (monotonic ms, 0 = none pending) and the first path of its burst;
    // what the file watcher says of the app's watch, for describe (not
    // handed over: the next daemon watches anew).
    std::int64_t watch_deadline_ms = 0;
    std::string watch_change;
    std::string watch_status;
    // cron_restart (process_table_schedule.cpp): the next firing (wall ms
    // since the epoch; 0 = none), and when the table next reads the wall
    // clock for it (monotonic ms; 0 = never): at the firing, or sooner, since
    // the wall clock can jump while the monotonic one runs on.
    std::int64_t next_run_wall_ms = 0;
    std::int64_t schedule_check_ms = 0;
    // The environment its instances share (InstanceEnv); not handed over.
    std::shared_ptr<const EnvMap> shared_env;
};

// How long the table goes at most without reading the wall clock for an
// app's schedule: a wall clock set forward (NTP, a resume from suspend) is
// noticed within this, and the firing it passed happens then, once.
inline constexpr std::int64_t kScheduleRecheckMs = 60'000;

// Everything the table knows that a daemon taking over needs: the apps,
// their instances and where each is in its state machine. (Waiters are the
// clients of the daemon that died: they went with it.)
struct TableState {
    int next_id = 0;
    std::vector<std::string> app_order;
    std::map<std::string, App> apps;
    std::map<int, Instance> instances;
    std::vector<int> reload_queue;
    int reloading_id = -1;
};

// The same, as the table holds it (no copy): what the state saver writes.
struct TableView {
    int next_id;
    const std::vector<std::string>& app_order;
    const std::map<std::string, App>& apps;
    const std::map<int, Instance>& instances;
    const std::vector<int>& reload_queue;
    int reloading_id;
};

inline TableView view_of(const TableState& s) {
    return {s.next_id, s.app_order, s.apps, s.instances, s.reload_queue, s.reloading_id};
}

// tend-runtime's console: every app's lines go to the daemon's own stdout
// and stderr, each labelled with its app and instance (or as JSON lines),
// instead of to files; the container's platform keeps them.
// Where the console's lines go: opened anew (log_file_open.h allows /dev's
// links), so the daemon's own descriptors 1 and 2 keep their flags.
inline constexpr const char* kConsoleOut = "/dev/stdout";
inline constexpr const char* kConsoleErr = "/dev/stderr";
struct ConsoleLogs {
    bool on = false;
    bool json = false;
    bool same_stream = false;  // stdout and stderr are one file: one writer for both
    const char* err_path() const { return same_stream ? kConsoleOut : kConsoleErr; }
};

struct TableConfig {
    std::string home;                                // TEND_HOME, given to every instance
    std::string log_dir;                             // default log location
    std::map<std::string, std::string> default_env;  // when a spec has no base_env
    std::string node_preload;   // makes a Node app's listen(port) use fd 3; "" = none found
    std::string notify_socket;  // NOTIFY_SOCKET for sd_notify("READY=1"); "" = none
    LogRotation log_rotation;   // TEND_HOME/config.json's defaults for every app
    ConsoleLogs console;        // tend-runtime: output to stdout/stderr, not files
    // The CPUs the daemon may use (common/cpu_count.h), asked each time a
    // spec with -i max / -N arrives; empty = 1.
    std::function<int()> usable_cpus;
    InstanceLimits limits;  // config.json's "max_instances", or the defaults
};

// What the table acts through; each is faked in its unit tests.
struct TableSeams {
    Launcher& launcher;
    SocketBroker& sockets;
    Messenger& messenger;
    Clock& clock;
};

class ProcessTable {
  public:
    // Told after every call that may have changed the table (once, after
    // the outermost), with the earliest pending deadline (monotonic ms): the
    // daemon re-arms its one timer there and tells monit. So no caller has
    // to remember that the table changed.
    using Watcher = std::function<void(std::optional<std::int64_t> next_deadline)>;

    ProcessTable(TableSeams seams, TableConfig config);
    void watch(Watcher watcher) { watcher_ = std::move(watcher); }

    // Adds the app and spawns its instances. Throws kAlreadyExists for a name
    // in use, kSpawnFailed (and adds nothing) when the first spawn fails.
    std::vector<int> start(const AppSpec& spec);

    // Resolves targets (ids, names, namespaces, scripts, "all") to ids, as
    // resolve_targets() does (target_resolver.h); empty targets mean all when
    // allow_empty. Throws kNotFound with a suggestion.
    TargetResolution resolve(const TargetQuery& query, bool allow_empty) const;
    std::vector<int> resolve(const std::vector<std::string>& targets, bool allow_empty) const;

    void stop(const std::vector<int>& ids);
    void restart(const std::vector<int>& ids);
    void remove(const std::vector<int>& ids);
    // Zero-downtime restart, one instance at a time: start the replacement,
    // wait until it is ready (or listen_timeout), then stop the old process
    // gracefully, then go on with the next. An instance that is not online
    // is simply restarted. reason is what the new process's restart reason
    // says (a watched change's, or the user's), kept as the instance's
    // pending reason meanwhile, so a take-over keeps it too.
    void reload(const std::vector<int>& ids, const RestartReason& reason = {"user", "tend reload"});
    // Grows (new indexes, lowest free first) or shrinks (highest indexes
    // stop and go) the app to count instances; returns the ids added or
    // being removed. Throws kNotFound / kBadRequest.
    // count is 64-bit so a relative count from a client cannot overflow on
    // its way here; 1..the per-app limit is checked here.
    std::vector<int> scale(const std::string& name, std::int64_t count);
    // Shrinks the app by one, stopping and removing its instance index
    // (`tend scale api -1 --instance 0`); returns that id. Throws kNotFound
    // for an index it lacks, kBadRequest for its last instance.
    std::vector<int> scale_down(const std::string& name, int index);

    // Makes spec the spec of the app of its name for every start from now
    // on (running processes keep theirs until restarted or reloaded), then
    // grows or shrinks the app to spec.instances as scale() does; returns
    // the ids added or being removed. Any key of AppSpec is carried as is.
    // Throws kNotFound, kBadRequest (an invalid spec, a changed port: the
    // socket is bound once, for the app's life).
    std::vector<int> replace_spec(AppSpec spec);
    // Throws what replace_spec(spec) would, changing nothing: so a request
    // with several specs can check them all before it applies any.
    void check_replacement(const AppSpec& spec) const;
    // The environment the app was started from (its --env comes on top):
    // the starting shell's, else the daemon's own.
    const std::map<std::string, std::string>& starting_env(const AppSpec& spec) const;

    // `tend reset`: restart counts and unstable restarts in a row back to zero.
    void reset_counters(const std::vector<int>& ids);
    // `tend signal`: sends sig to the process of each running instance of
    // ids; returns the ids it reached.
    std::vector<int> signal_processes(const std::vector<int>& ids, int sig);

    // The process pid said it is ready (process.send('ready'), READY=1).
    void mark_ready(int pid);
    // A probe of instance id's process pid answered (ok, and what it saw:
    // "http_get 127.0.0.1:8080/health: status 500"). A result for a pid that
    // is no longer the instance's is ignored. Readiness passing
    // success_threshold times makes a launching instance online (and lets a
    // reload retire the old process); failing failure_threshold times makes
    // an online one not ready (it stays online, as in Kubernetes). Liveness
    // failing failure_threshold times restarts the instance gracefully, with
    // reason "health" and detail the last answer (process_table_health.cpp).
    void on_probe_result(int id, int pid, ProbeRole role, bool ok, const std::string& detail);
    // The instance whose current or retiring process is pid.
    std::optional<int> instance_of_pid(int pid) const;
    // Writes line to the IPC channel of each running instance of ids;
    // returns the ids it reached.
    std::vector<int> send_message(const std::vector<int>& ids, const std::string& line);

    // The process pid of instance id exited (code, or signal when signalled).
    void on_exit(int id, int pid, std::optional<int> exit_code, std::optional<int> signal);

    // Acts on deadlines that have passed: restarts due, SIGKILLs due.
    void tick();
    // The earliest pending deadline (monotonic ms), if any.
    std::optional<std::int64_t> next_deadline() const;

    // Calls done once none of ids is stopping or has a pending after-stop
    // action (a deleted id counts as settled). Called at once if already so.
    void when_settled(std::vector<int> ids, std::function<void()> done);

    // What list, jlist and describe show; with_history adds the metrics history.
    InstanceInfo info(int id, bool with_spec, bool with_history = false) const;
    std::vector<InstanceInfo> infos(const std::vector<int>& ids, bool with_spec,
                                    bool with_history = false) const;
    std::vector<int> all_ids() const;
    const Instance* find(int id) const;
    // Whether inst passes its readiness gate (InstanceInfo::ready).
    bool ready(const Instance& inst) const;
    const App* find_app(const std::string& name) const;
    // The app, or throws kNotFound "no app named 'x' (did you mean 'y'?)".
    const App& app_named(const std::string& name) const;
    // Every app's spec in start order (instances = the current count), for `tend save`.
    std::vector<AppSpec> specs() const;
    // A new sample of instance id (summed over its process group): CPU %,
    // RSS, and the CPU seconds its processes spent since the last sample.
    // Records it, and restarts the instance gracefully, with reason
    // "memory", once its RSS has stayed above max_memory_restart for
    // kMemoryOverSamples.
    void set_metrics(int id, double cpu, std::int64_t memory, double cpu_seconds = 0);
    // Pids of running instances, for the metrics sampler and the reaper.
    std::vector<std::pair<int, int>> running() const;  // (id, pid)
    // Every live process of every instance, a reload's retiring one too.
    std::vector<std::pair<int, int>> processes() const;  // (id, pid)

    // The whole table, to hand to the next daemon (process_table_state.cpp).
    TableView view() const;
    // Takes over a table a daemon handed over: its apps (listen_fd already
    // this daemon's), instances, deadlines and reload queue, as they were.
    // Only into an empty table.
    void adopt(TableState state);

    // Watch mode (process_table_watch.cpp). A watched file of app changed
    // (path relative to its cwd; "" = unknown): the app is restarted (or
    // reloaded) once no change has come for its watch_delay. A stopped app
    // ignores changes.
    void on_watched_change(const std::string& app, const std::string& path);
    // What the file watcher must watch: every app with watch on.
    std::vector<WatchTarget> watch_targets() const;
    // The file watcher's word on app's watch, shown by describe. Not a
    // change of the table: no watcher call, no save.
    void set_watch_status(const std::string& app, std::string status);

    // How spec's log files rotate: its options over the daemon's defaults.
    RotationPolicy rotation_of(const AppSpec& spec) const;
    // New defaults (`tend reloadLogs` read config.json again).
    void set_log_rotation_defaults(LogRotation defaults) {
        config_.log_rotation = std::move(defaults);
    }

  private:
    // Held by each public call that changes the table; the outermost one to
    // end tells the watcher.
    class Changing {
      public:
        explicit Changing(ProcessTable& table);
        ~Changing();
        Changing(const Changing&) = delete;
        Changing& operator=(const Changing&) = delete;

      private:
        ProcessTable& table_;
    };

    Instance& add_instance(App& app, int index);
    // scale() without making the count the user's: a reload's new spec may
    // still say "max".
    std::vector<int> resize(App& app, std::int64_t count);
    // What -i max comes to now (TableConfig::usable_cpus).
    int usable_cpus() const { return config_.usable_cpus ? config_.usable_cpus() : 1; }
    // Throws kLimitExceeded when more instances would pass the daemon's limit.
    void check_total_instances(std::int64_t more) const;
    // Throws kLimitExceeded when an app of count instances passes the per-app limit.
    void check_app_instances(const std::string& name, std::int64_t count) const;
    // Signals pid's group; a Node worker being signalled is dealt no more connections.
    void signal_group(int pid, int sig) { stopper_.signal_group(pid, sig); }
    // A stop deadline passed: the next step of ending pid, and when the one after is due.
    void stop_overdue(const std::string& app, int pid, StopStep& step, std::int64_t& deadline_ms);
    // A restart of inst for reason: counted (in all, and by kind) and shown.
    static void count_restart(Instance& inst, const RestartReason& reason);
    void spawn(Instance& inst);
    void become_online(Instance& inst);
    // Health probes (process_table_health.cpp): a new process starts with
    // no verdict; whether a readiness probe gates it; a launching deadline
    // that passed.
    void reset_health(Instance& inst);
    bool gated_by_probe(const Instance& inst) const;
    // Its health as list shows it: a process that is not up has no verdict.
    std::string health_shown(const Instance& inst) const;
    void launch_overdue(Instance& inst);
    // How long a reload's replacement may take to pass its readiness probe.
    std::int64_t replacement_patience(const Instance& inst) const;
    void on_readiness(Instance& inst, bool ok);
    void on_liveness(Instance& inst, bool ok, const std::string& detail);
    void advance_reload();
    void end_reload_step(int id);
    void start_replacement(Instance& inst);
    void retire(Instance& inst);
    bool on_retired_exit(Instance& inst, int pid);
    bool on_replacement_failed(Instance& inst, int pid);
    void spawn_or_error(Instance& inst);
    void begin_stop(Instance& inst, AfterStop after, RestartReason reason = {});
    void check_memory(Instance& inst);
    void finish_stop(Instance& inst);
    void handle_crash(Instance& inst);
    void erase(int id);
    // Watch mode (process_table_watch.cpp): debounced changes that are due,
    // the earliest pending one, an exit that waits for a change instead of
    // a restart (true when it took the instance), and a start by a change.
    void watch_tick(std::int64_t now);
    std::optional<std::int64_t> watch_deadline() const;
    bool wait_for_change(Instance& inst, const RestartDecision& d, std::int64_t uptime_ms);
    void start_on_change(Instance& inst, const RestartReason& reason);
    bool settled(int id) const;
    void notify_waiters();
    SpawnRequest spawn_request(const Instance& inst) const;
    // cron_restart (process_table_schedule.cpp): when the app's schedule
    // next fires, from the wall clock now; what is due at tick(); the
    // earliest check; a firing's effect on one instance.
    void arm_schedule(App& app);
    void run_due_schedules(std::int64_t now);
    std::optional<std::int64_t> next_schedule_check() const;
    void fire_schedule(const App& app, Instance& inst);
    // After a take-over: every schedule is checked at once (a firing missed
    // while no daemon ran happens now, once).
    void resume_schedules();
    // The out and err paths of instance index `index` (not its id: see spawn_request.cpp).
    std::pair<std::string, std::string> log_paths(const AppSpec& spec, int index) const;
    Instance* lookup(int id);
    // " (did you mean 'api'?)" for a word close to an app name, else "".
    std::string suggestion(const std::string& word) const;

    Launcher& launcher_;
    SocketBroker& sockets_;
    GracefulStop stopper_;
    Messenger& messenger_;
    Clock& clock_;
    Watcher watcher_;
    int changing_ = 0;  // depth of Changing scopes
    TableConfig config_;
    int next_id_ = 0;
    std::map<int, Instance> instances_;
    std::map<std::string, App> apps_;
    std::vector<std::string> app_order_;  // names in start order, for listing
    struct Waiter {
        std::vector<int> ids;
        std::function<void()> done;
    };
    std::vector<Waiter> waiters_;
    std::vector<int> reload_queue_;  // ids waiting for their turn
    int reloading_id_ = -1;          // the instance being replaced now
};

}  // namespace tend
