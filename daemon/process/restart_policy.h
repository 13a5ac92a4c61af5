// The restart decision: what happens when an instance exits on its own. Pure
// code, so every rule of DESIGN.md's state diagram has a unit test.
#pragma once

#include <cstdint>
#include <optional>

#include "common/app_spec.h"

namespace tend {

// Exp backoff doubles up to this, and resets after a run this long.
inline constexpr std::int64_t kMaxBackoffMs = 15000;
inline constexpr std::int64_t kBackoffResetUptimeMs = 30000;

struct ExitFacts {
    std::int64_t uptime_ms = 0;
    std::optional<int> exit_code;  // set when it exited, not when signalled
};

// What an instance remembers between runs for the policy.
struct RestartHistory {
    int unstable_restarts = 0;    // in a row
    std::int64_t backoff_ms = 0;  // last exp-backoff delay used, 0 = none yet
};

enum class ExitAction { kRestart, kStop, kErrored };

struct RestartDecision {
    ExitAction action = ExitAction::kStop;
    std::int64_t delay_ms = 0;  // for kRestart
    RestartHistory next;        // history to keep
};

RestartDecision decide_restart(const RestartPolicy& policy, const RestartHistory& history,
                               const ExitFacts& exit);

}  // namespace tend
