// One attempt of a probe on the daemon's loop, never blocking it: an HTTP
// GET or a TCP connect over a uv_tcp, or a command through uv_spawn, each
// ended by its own timeout. The answer comes back through `done`, once,
// and never from inside the call that started it.
#pragma once

#include <uv.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/app_spec.h"
#include "daemon/process/run_as.h"

namespace tend {

// ok, and what the probe saw ("http_get 127.0.0.1:8080/health: status 500").
using ProbeDone = std::function<void(bool ok, const std::string& detail)>;

class ProbeCheck {
  public:
    virtual ~ProbeCheck() = default;
    // No answer will come; the check frees itself (an exec probe's process
    // group is killed first).
    virtual void cancel() = 0;
};

// What an exec probe runs with: the instance's environment and cwd, and
// its user. TEND_PROBE_PID (the probed process) is added to env.
struct ExecContext {
    std::map<std::string, std::string> env;
    std::string cwd;
    std::optional<Identity> run_as;
    int probed_pid = 0;
};

// The pids of the exec probes running now: the orphan reaper must leave
// them to libuv. Shared, since a check can outlive its monitor by a turn.
using ProbePids = std::shared_ptr<std::set<int>>;

// Starts probe (http_get or tcp) and returns it; it deletes itself after done.
ProbeCheck* start_socket_check(uv_loop_t* loop, const Probe& probe, ProbeDone done);
// Starts probe (exec) in its own process group, output discarded.
ProbeCheck* start_exec_check(uv_loop_t* loop, const Probe& probe, const ExecContext& context,
                             ProbePids pids, ProbeDone done);

// "http_get 127.0.0.1:8080/health", "tcp [::1]:5432", "exec": how details start.
std::string probe_target(const Probe& probe);

}  // namespace tend
