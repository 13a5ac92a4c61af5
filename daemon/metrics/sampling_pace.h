// When the metrics sampler runs, and what a round reads: pure, so the
// choice is tested without a clock.
//
// Someone watching (a `tend monit`, the dashboard) sees every instance each
// interval. Nobody watching, every instance is read once an idle interval,
// except those whose app has max_memory_restart: the limit must act within
// two intervals, so they alone are read each interval.
#pragma once

#include <cstdint>

namespace tend {

struct SamplingPace {
    std::int64_t interval_ms = 1000;  // --metrics-interval
    std::int64_t idle_ms = 30'000;    // --metrics-idle-interval, never below interval_ms
};

// How long the dashboard counts as watching after its last poll (it polls
// each second): a closed tab stops counting within this.
inline constexpr std::int64_t kViewedForMs = 5000;

// Whether the round now reads every instance (someone watches, or the idle
// interval has passed since the last such round), not only those with a
// memory limit.
bool full_round(const SamplingPace& pace, bool watched, std::int64_t since_full_ms);

// How long until the next round, after one.
std::int64_t next_round_in(const SamplingPace& pace, bool watched, bool memory_limited,
                           std::int64_t since_full_ms);

}  // namespace tend
