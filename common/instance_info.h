// What `list`, `jlist` and `describe` report about one instance. The JSON
// field names are stable and documented in docs/jlist.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/app_spec.h"

namespace tend {

// Samples of CPU and memory kept per instance (a minute at the default 1 s).
inline constexpr std::size_t kMetricsHistory = 60;

// completed: a one-shot app (autorestart false) that exited 0, its exit code
// kept. waiting_change: a watched app that crashed soon after a change,
// started again by the next change rather than crash-looping to errored.
enum class InstanceState {
    kLaunching,
    kOnline,
    kWaitingRestart,
    kStopping,
    kStopped,
    kErrored,
    kCompleted,
    kWaitingChange,
};

std::string_view to_string(InstanceState state);
InstanceState instance_state_from_string(std::string_view text);

struct InstanceInfo {
    int id = 0;        // global, never reused while the daemon lives
    std::string name;  // the app's name
    int instance = 0;  // index 0..N-1 within the app
    std::string mode;  // "fork" (one instance) or "cluster"
    int pid = 0;       // 0 when not running
    // The app's namespace ("namespace" in JSON).
    std::string ns = "default";
    InstanceState status = InstanceState::kStopped;
    int restarts = 0;                        // every restart, automatic or asked for
    int unstable_restarts = 0;               // restarts in a row after short runs
    std::int64_t created_at = 0;             // ms since the epoch
    std::int64_t started_at = 0;             // last spawn, ms since the epoch; 0 = never
    std::int64_t uptime_ms = 0;              // 0 unless online
    double cpu = 0;                          // percent of one core
    std::int64_t memory = 0;                 // RSS bytes
    std::optional<int> exit_code;            // of the last exit
    std::optional<std::string> exit_signal;  // of the last exit, "SIGKILL"
    // Why the instance last restarted: "crash" (a core-dumping signal),
    // "signal" (another signal), "exit_code" (it exited by itself),
    // "memory" (over max_memory_restart), "user" (tend restart),
    // "spawn_failed" (it could not be started: errored), "health" (its
    // liveness probe failed), "cron" (cron_restart), "watch" (a watched
    // file changed); empty = never.
    std::string restart_reason;
    std::string restart_reason_detail;  // "exit code 3", "signal SIGKILL", ...
    // Whether the instance passes its readiness gate: its readiness probe, or
    // wait_ready's "ready"; with neither, whether it is online. An instance
    // can be online (its process up) and not ready.
    bool ready = false;
    // Its liveness probe: "healthy", "unhealthy", "unknown" (not yet decided);
    // "" when the app has none.
    std::string health;
    // Oldest first, one per sampling interval, at most kMetricsHistory; only
    // filled for jlist and monit's snapshot.
    std::vector<double> cpu_history;
    std::vector<std::int64_t> memory_history;
    std::string out_log;
    std::string err_log;
    std::optional<AppSpec> spec;  // only in `describe`
    // Watch mode: what is watched ("watching 12 directories"), and why some
    // part is not (the kernel's inotify limit); "" when the app is not watched.
    std::string watch_status;
    // cron_restart's next firing that acts on this instance, ms since the
    // epoch; 0 = none (no schedule, or stopped by the user).
    std::int64_t next_run_at = 0;
};

void to_json(json& j, const InstanceInfo& info);
void from_json(const json& j, InstanceInfo& info);

// The same object as to_json, written as text straight onto out (keys in
// the order dump_json writes them): `list` replies with a thousand of these.
void append_instance_json(std::string& out, const InstanceInfo& info);
// Only the fields the instance table shows (ListArgs::brief), as one array
// of values in a fixed order; read_brief_instances reads it back.
void append_instance_brief_json(std::string& out, const InstanceInfo& info);

// Reads a `{"instances":[...]}` result without building a tree: the brief
// fields of each instance (id, name, namespace, instance, mode, pid, status,
// restarts, uptime_ms, cpu, memory, ready, health), from brief arrays or
// from full objects (any other field is skipped). nullopt when the text is
// not JSON.
std::optional<std::vector<InstanceInfo>> read_brief_instances(std::string_view text);

}  // namespace tend
