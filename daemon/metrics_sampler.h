// Samples CPU % and RSS of every running instance once an interval, from
// /proc/<pid>/stat and /proc/<pid>/statm, into the process table.
#pragma once

#include <uv.h>

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "daemon/process_table.h"

namespace tend {

struct ProcSample {
    std::uint64_t cpu_ticks = 0;  // utime + stime
    std::int64_t rss_bytes = 0;
};

// Reads one process's sample; nullopt when it is gone.
std::optional<ProcSample> read_proc_sample(int pid);

// CPU % of one core between two samples taken elapsed_ms apart.
double cpu_percent(std::uint64_t ticks_before, std::uint64_t ticks_after, std::int64_t elapsed_ms,
                   long ticks_per_second);

class MetricsSampler {
  public:
    MetricsSampler(uv_loop_t* loop, ProcessTable& table, std::int64_t interval_ms);
    void close();
    void sample();

  private:
    struct Last {
        int pid = 0;
        std::uint64_t ticks = 0;
        std::uint64_t at_ms = 0;
    };
    uv_timer_t timer_{};
    ProcessTable& table_;
    std::unordered_map<int, Last> last_;  // by instance id
    long ticks_per_second_;
    bool open_ = false;
};

}  // namespace tend
