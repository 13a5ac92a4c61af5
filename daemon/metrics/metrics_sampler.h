// Samples CPU % and RSS of every running instance once an interval, summed
// over the instance's whole process group (what it forked counts too), into
// the process table.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "daemon/process/process_table.h"
#include "daemon/uv/handle.h"

namespace tend {

class MetricsSampler {
  public:
    // after_sample runs after each round, once the table has the new values.
    MetricsSampler(uv_loop_t* loop, ProcessTable& table, std::int64_t interval_ms,
                   std::function<void()> after_sample);
    void close();
    void sample();
    std::int64_t interval_ms() const { return interval_ms_; }

  private:
    struct Seen {
        std::uint64_t start_time = 0;
        std::uint64_t ticks = 0;
    };
    uv::Handle<uv_timer_t> timer_;
    ProcessTable& table_;
    std::int64_t interval_ms_;
    std::function<void()> after_sample_;
    std::unordered_map<int, Seen> seen_;  // by pid, from the last round
    std::uint64_t last_at_ms_ = 0;
    long ticks_per_second_;
    long page_size_;
    std::uint64_t self_start_time_;  // tendd's own, in clock ticks after boot
};

}  // namespace tend
