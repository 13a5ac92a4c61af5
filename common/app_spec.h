// What an app is: the spec a user gives at `tend start`, as the daemon keeps
// it. Field names on the wire are PM2's, so ecosystem files map one to one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_rotation.h"
#include "common/protocol.h"

namespace tend {

struct RestartPolicy {
    bool autorestart = true;
    int max_restarts = 16;                          // unstable restarts in a row before errored
    std::int64_t min_uptime_ms = 1000;              // an exit sooner than this is unstable
    std::int64_t restart_delay_ms = 0;              // fixed delay before a restart
    std::int64_t exp_backoff_restart_delay_ms = 0;  // 0 = off; else first delay, doubling
    std::vector<int> stop_exit_codes;               // exits with these codes are final
    std::int64_t kill_timeout_ms = 1600;            // SIGKILL the group after this
    std::string kill_signal = "SIGINT";
    std::int64_t max_memory_bytes = 0;  // 0 = off; else restart when RSS stays above
};

struct LogOptions {
    bool time = false;        // prefix each line with a timestamp
    std::string log_type;     // "" or "text": lines as written; "json": one object per line
    std::string date_format;  // log_date_format: the prefix's format (common/log_format.h)
    bool date_utc = false;    // log_date_utc: the prefix in UTC, not local time
    std::string out_file;     // empty = TEND_HOME/logs/<name>-out-<index>.log
    std::string error_file;   // empty = TEND_HOME/logs/<name>-err-<index>.log
    bool merge_logs = false;  // one pair of files for every instance
    LogRotation rotation;     // unset options take the daemon's defaults
};

// Cluster mode's shared port: the daemon binds it once and hands the
// listening socket to every instance as fd 3 (systemd socket activation).
struct ListenOptions {
    int port = 0;                           // 0 = none
    std::string host = "0.0.0.0";           // address to bind
    bool wait_ready = false;                // online only once the instance says ready
    std::int64_t listen_timeout_ms = 3000;  // ...or after this long
};

// Who an app's instances run as (`uid` / `gid`, names or numbers as given):
// empty = the daemon's own user. Only a daemon running as root can switch.
struct RunAs {
    std::string uid;
    std::string gid;  // empty with uid = that user's primary group
};

// A health check with Kubernetes' names and meaning: an HTTP GET whose
// status must fall in a range, a TCP connect, or a command run with the
// app's environment and cwd (exit 0 is healthy). common/probe_spec.h reads
// and writes it; daemon/health/ runs it.
enum class ProbeKind { kNone, kHttpGet, kTcp, kExec };

struct Probe {
    ProbeKind kind = ProbeKind::kNone;
    std::string host = "127.0.0.1";              // http_get, tcp
    int port = 0;                                // http_get, tcp
    std::string path = "/";                      // http_get
    int status_min = 200;                        // http_get: healthy statuses,
    int status_max = 399;                        // Kubernetes' 200-399 by default
    std::map<std::string, std::string> headers;  // http_get
    std::vector<std::string> command;            // exec: argv
    std::int64_t initial_delay_ms = 0;           // after the process starts
    std::int64_t period_ms = 10'000;
    std::int64_t timeout_ms = 1'000;
    int success_threshold = 1;  // passes in a row that make it pass
    int failure_threshold = 3;  // failures in a row that make it fail

    bool enabled() const { return kind != ProbeKind::kNone; }
    bool operator==(const Probe&) const = default;
};

// readiness gates `online`, reload and dependants; liveness restarts a hung
// instance (restart_reason "health").
struct HealthChecks {
    Probe readiness;
    Probe liveness;
};

// Restarts by the clock (PM2's cron_restart). A one-shot app (autorestart
// false) with a schedule is a cron job: it runs at each time.
struct Schedule {
    std::string cron;      // 5 fields, or 6 with seconds first; "" = none
    std::string timezone;  // an IANA zone ("Europe/Paris"); "" = the daemon's local time
    bool overlap = false;  // a cron job may start a run while the last one is still going

    bool operator==(const Schedule&) const = default;
};

// Restart (or reload) when a watched file changes (PM2's watch).
struct WatchOptions {
    bool enabled = false;
    std::vector<std::string> paths;   // absolute; empty = the app's cwd
    std::vector<std::string> ignore;  // globs (ignore_watch), on top of the defaults
    std::int64_t delay_ms = 1000;     // watch_delay: quiet time before acting
    bool reload = false;              // --watch-reload: reload instead of restart

    bool operator==(const WatchOptions&) const = default;
};

// What an app waits for in another before it starts (depends_on).
inline constexpr std::string_view kDependencyConditions[] = {"started", "ready", "healthy",
                                                             "completed_successfully"};
// Whether word is one of kDependencyConditions.
bool is_dependency_condition(std::string_view word);

// The per-instance variables, by PM2's keys.
struct InstanceVars {
    std::string instance_var = "NODE_APP_INSTANCE";  // holds the instance index
    std::string increment_var;                       // its value + the index; "" = none
};

// The most instances an app may have, and all apps of one daemon together,
// unless TEND_HOME/config.json's "max_instances" raises both: more is
// usually a typo (`-i 100000`), not a plan, and each instance holds five
// descriptors in tendd and three in the keeper. docs/security.md lists them.
inline constexpr int kMaxAppInstances = 1024;
inline constexpr int kMaxTotalInstances = 4096;
// What no spec may ask and "max_instances" may not pass.
inline constexpr int kInstancesCeiling = 100000;

// The limits a daemon applies (the defaults, or "max_instances" for both).
struct InstanceLimits {
    int per_app = kMaxAppInstances;
    int total = kMaxTotalInstances;
};

// -i's words that count CPUs, as PM2: "max" and "0" (one instance per
// usable CPU) and "-N" (N fewer). Their canonical form ("0" is "max"),
// or nullopt for any other text (a plain count, or garbage).
std::optional<std::string> per_cpu_word(std::string_view text);
// What a per-CPU word comes to with cpus usable: cpus - N, at least 1 and
// at most kMaxAppInstances. word must be one (per_cpu_word).
int instances_for_cpus(std::string_view word, int cpus);

struct AppSpec {
    std::string name;
    // PM2's `namespace`: a group of apps that is a target for every command.
    std::string ns = "default";
    std::string script;  // absolute path, or a command found in PATH
    std::vector<std::string> args;
    std::string cwd;          // absolute
    std::string interpreter;  // "" = by extension, "none" = exec script itself
    int instances = 1;        // the count; with instances_per_cpu, what the daemon resolved it to
    // -i max / 0 / -N, canonical ("max", "-N"); "" = instances is the count
    // as given. The daemon resolves it against the CPUs it may use
    // (common/cpu_count.h), not the CLI: `tend` may run in another cgroup.
    std::string instances_per_cpu;
    std::string exec_mode;                        // "fork", "cluster", "" = resolve_exec_mode()
    std::map<std::string, std::string> env;       // --env KEY=VAL, shown by describe
    std::map<std::string, std::string> base_env;  // the starting shell's environment
    RestartPolicy restart;
    LogOptions logs;
    ListenOptions listen;
    std::vector<std::string> interpreter_args;  // PM2's node_args: before the script
    std::string env_file;  // absolute, against cwd; its variables are already in env
    InstanceVars vars;
    RunAs run_as;
    HealthChecks health;
    // App name -> condition (one of kDependencyConditions). Acted on by
    // `tend start FILE`, which starts apps in their order.
    std::map<std::string, std::string> depends_on;
    Schedule schedule;
    WatchOptions watch;
};

// Whether instances run under node (by interpreter or extension): they get
// NODE_CHANNEL_FD for process.send, and the preload that shares the port.
bool runs_node(const AppSpec& spec);

// "" by PM2's rule: cluster for a Node script with several instances (or a
// --port, which Node's cluster shares), else fork. A non-Node program can
// only run in fork mode. Idempotent; the daemon calls it at start.
void resolve_exec_mode(AppSpec& spec);

// Whether the app's instances run as Node cluster workers (NODE_UNIQUE_ID),
// their listen() calls answered by tendd: a Node script in cluster mode,
// unless Node's NODE_CLUSTER_SCHED_POLICY=none (from --env, else env) asks
// for the inherited --port socket instead.
bool runs_node_workers(const AppSpec& spec, const std::map<std::string, std::string>& env);

// "fork_mode" → "fork", "cluster_mode" → "cluster" (PM2 accepts both
// spellings); any other word is returned as it is, for validate() to refuse.
std::string canonical_exec_mode(const std::string& mode);

// How the instances of an app with --port share it. Any program inherits
// the socket as fd 3 (systemd socket activation). A Node app's instances
// are Node cluster workers that the daemon hands connections to in turn, as
// Node's own primary does by default; when the environment asks for Node's
// other policy (NODE_CLUSTER_SCHED_POLICY=none), they inherit the socket
// too, with the preload, and the kernel picks who accepts.
enum class PortSharing { kNoPort, kInherit, kRoundRobin };
PortSharing port_sharing(const AppSpec& spec, const std::map<std::string, std::string>& env);

// Interpreter chosen by the script's extension when none is given:
// .js/.mjs/.cjs → node, .py → python3, .sh → bash, otherwise "" (exec it).
std::string default_interpreter(const std::string& script);

// The argv an instance runs: [interpreter, interpreter_args..., script,
// args...] or [script, args...].
std::vector<std::string> command_line(const AppSpec& spec);

// The value increment_var gets in the instance with this index: the
// variable's value in env (0 when unset) plus the index, as PM2 counts.
// Throws TendError(kBadRequest) when that value is not an integer.
std::string incremented_value(const AppSpec& spec, const std::map<std::string, std::string>& env,
                              int index);

// Sets spec.instances from spec.instances_per_cpu, if any, for cpus usable
// CPUs; the daemon calls it when a spec arrives (start, reload of a file).
void resolve_instances_per_cpu(AppSpec& spec, int cpus);

// Checks values a type check cannot (empty name, instances < 1, bad signal);
// throws TendError(kBadRequest) naming the field.
void validate(const AppSpec& spec);

void to_json(json& j, const AppSpec& spec);
// Throws TendError(kBadRequest) naming the key and the expected type.
void from_json(const json& j, AppSpec& spec);

}  // namespace tend
