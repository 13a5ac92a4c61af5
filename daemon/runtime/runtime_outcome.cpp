// tend-runtime's rules for ending and for its exit status.
#include "daemon/runtime/runtime_outcome.h"

#include <signal.h>

#include <algorithm>

#include "common/signals.h"

namespace tend {

bool may_run_again(const RuntimeInstance& inst) {
    switch (inst.state) {
        case InstanceState::kLaunching:
        case InstanceState::kOnline:
        case InstanceState::kWaitingRestart:
        case InstanceState::kStopping:
        case InstanceState::kWaitingChange:
            return true;
        case InstanceState::kStopped:
        case InstanceState::kErrored:
        case InstanceState::kCompleted:
            return inst.scheduled;
    }
    return false;
}

bool anything_left_to_run(const std::vector<RuntimeInstance>& instances) {
    return std::any_of(instances.begin(), instances.end(), may_run_again);
}

std::string failure_of(const RuntimeInstance& inst) {
    std::string who = inst.name + "-" + std::to_string(inst.index);
    if (inst.state == InstanceState::kErrored) return who + " errored";
    // SIGKILL is never asked for gracefully: the process outlived its
    // kill_timeout, or something (the OOM killer) ended it from outside.
    bool asked = inst.stop_requested && inst.stops_with_sigkill;
    if (inst.exit_signal == SIGKILL && !asked) return who + " was killed (SIGKILL)";
    if (inst.state != InstanceState::kStopped || inst.stop_requested) return "";
    if (inst.exit_signal) return who + " ended by " + signal_name(*inst.exit_signal);
    if (!inst.exit_code || *inst.exit_code == 0) return "";
    const auto& expected = inst.stop_exit_codes;
    if (std::find(expected.begin(), expected.end(), *inst.exit_code) != expected.end()) return "";
    return who + " exited with code " + std::to_string(*inst.exit_code);
}

RuntimeOutcome judge(const std::vector<RuntimeInstance>& instances) {
    RuntimeOutcome outcome;
    for (const RuntimeInstance& inst : instances) {
        std::string failure = failure_of(inst);
        if (failure.empty()) continue;
        outcome.exit_code = 1;
        if (!outcome.summary.empty()) outcome.summary += ", ";
        outcome.summary += failure;
    }
    if (outcome.exit_code == 0) outcome.summary = "every app completed or stopped cleanly";
    return outcome;
}

}  // namespace tend
