// Restart rules: autorestart, stop_exit_codes, min_uptime / max_restarts
// (crash loops end in errored), fixed delay or exponential backoff.
#include "daemon/process/restart_policy.h"

#include <algorithm>

namespace tend {
namespace {

bool is_stop_code(const RestartPolicy& policy, const ExitFacts& exit) {
    if (!exit.exit_code) return false;
    return std::find(policy.stop_exit_codes.begin(), policy.stop_exit_codes.end(),
                     *exit.exit_code) != policy.stop_exit_codes.end();
}

std::int64_t backoff_delay(const RestartPolicy& policy, const RestartHistory& history,
                           const ExitFacts& exit) {
    std::int64_t base = policy.exp_backoff_restart_delay_ms;
    if (history.backoff_ms == 0 || exit.uptime_ms >= kBackoffResetUptimeMs) return base;
    return std::min(history.backoff_ms * 2, std::max(kMaxBackoffMs, base));
}

}  // namespace

RestartDecision decide_restart(const RestartPolicy& policy, const RestartHistory& history,
                               const ExitFacts& exit) {
    RestartDecision d;
    d.next = history;
    if (!policy.autorestart || is_stop_code(policy, exit)) {
        d.action = ExitAction::kStop;
        return d;
    }
    bool unstable = exit.uptime_ms < policy.min_uptime_ms;
    if (unstable && history.unstable_restarts >= policy.max_restarts) {
        d.action = ExitAction::kErrored;
        return d;
    }
    d.action = ExitAction::kRestart;
    d.next.unstable_restarts = unstable ? history.unstable_restarts + 1 : 0;
    if (policy.exp_backoff_restart_delay_ms > 0) {
        d.delay_ms = backoff_delay(policy, history, exit);
        d.next.backoff_ms = d.delay_ms;
    } else {
        d.delay_ms = policy.restart_delay_ms;
    }
    return d;
}

}  // namespace tend
