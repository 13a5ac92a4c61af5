// Token-bucket arithmetic for LineRateLimiter.
#include "daemon/streams/line_rate_limiter.h"

#include <algorithm>

namespace tend {

LineRateLimiter::LineRateLimiter(int lines_per_second)
    : rate_per_ms_(std::max(0, lines_per_second) / 1000.0),
      capacity_(2.0 * std::max(0, lines_per_second)) {}

bool LineRateLimiter::admit(int id, std::int64_t time_ms) {
    Bucket& b = buckets_[id];
    if (!b.started) {
        b = Bucket{capacity_, time_ms, b.held_back, true};
    } else if (time_ms > b.at_ms) {
        b.tokens = std::min(capacity_, b.tokens + (time_ms - b.at_ms) * rate_per_ms_);
        b.at_ms = time_ms;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    ++b.held_back;
    return false;
}

std::vector<std::pair<int, std::int64_t>> LineRateLimiter::take_held_back() {
    std::vector<std::pair<int, std::int64_t>> out;
    for (auto& [id, b] : buckets_) {
        if (b.held_back == 0) continue;
        out.emplace_back(id, b.held_back);
        b.held_back = 0;
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace tend
