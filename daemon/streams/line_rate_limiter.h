// A token bucket per instance for the live lines one monit subscriber gets:
// a dashboard shows a few lines, so a loud app must neither flood it nor
// crowd out a quiet one. Pure: time comes from the lines themselves.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tend {

class LineRateLimiter {
  public:
    // lines_per_second per instance, with bursts of twice that let through.
    explicit LineRateLimiter(int lines_per_second);

    // Whether a line of instance id captured at time_ms (any monotonic ms)
    // goes out; one that does not is counted as held back.
    bool admit(int id, std::int64_t time_ms);

    // Lines held back per instance since the last call; clears the counts.
    std::vector<std::pair<int, std::int64_t>> take_held_back();

    // Counts a line that was admitted but could not be sent.
    void hold_back(int id) { ++buckets_[id].held_back; }

  private:
    struct Bucket {
        double tokens = 0;
        std::int64_t at_ms = 0;
        std::int64_t held_back = 0;
        bool started = false;
    };
    double rate_per_ms_;
    double capacity_;
    std::unordered_map<int, Bucket> buckets_;
};

}  // namespace tend
