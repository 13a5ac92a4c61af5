// When tend-runtime is done, and how it exits: pure rules over what the
// table holds. It runs while any instance may still run (running, stopping,
// waiting to restart or for a change, or a cron job with a next run); then
// it exits 0 when every instance completed or stopped cleanly, 1 when any
// ended errored or was killed, so a crash loop does not keep a dead
// container alive and a Kubernetes Job sees the right status.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/instance_info.h"

namespace tend {

// One instance as the runtime judges it.
struct RuntimeInstance {
    std::string name;
    int index = 0;
    InstanceState state = InstanceState::kStopped;
    std::optional<int> exit_code;    // of the last exit
    std::optional<int> exit_signal;  // of the last exit
    bool stop_requested = false;     // it ended because it was asked to stop
    bool scheduled = false;          // a cron job whose next run is still to come
    std::vector<int> stop_exit_codes;
    bool stops_with_sigkill = false;  // its kill_signal is SIGKILL
};

// Whether the instance may still run without anyone asking.
bool may_run_again(const RuntimeInstance& inst);
bool anything_left_to_run(const std::vector<RuntimeInstance>& instances);

struct RuntimeOutcome {
    int exit_code = 0;
    // Why, for the runtime's last line: "every app completed or stopped
    // cleanly", or each failure ("api-0 errored", "job-0 exited with code 3",
    // "worker-1 was killed (SIGKILL)").
    std::string summary;
};

// Why one instance failed, or "" when it completed or stopped cleanly.
std::string failure_of(const RuntimeInstance& inst);
RuntimeOutcome judge(const std::vector<RuntimeInstance>& instances);

}  // namespace tend
