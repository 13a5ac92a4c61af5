// The sampler's pace.
#include "daemon/metrics/sampling_pace.h"

#include <algorithm>

namespace tend {

bool full_round(const SamplingPace& pace, bool watched, std::int64_t since_full_ms) {
    return watched || since_full_ms >= pace.idle_ms;
}

std::int64_t next_round_in(const SamplingPace& pace, bool watched, bool memory_limited,
                           std::int64_t since_full_ms) {
    if (watched) return pace.interval_ms;
    std::int64_t until_full = std::max<std::int64_t>(0, pace.idle_ms - since_full_ms);
    return memory_limited ? std::min(pace.interval_ms, until_full) : until_full;
}

}  // namespace tend
