// Samples CPU % and RSS of running instances, summed over each instance's
// process group (what it forked counts too), into the process table: each
// interval while someone watches, else once an idle interval (and each
// interval for apps with max_memory_restart). See sampling_pace.h.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "daemon/metrics/group_members.h"
#include "daemon/metrics/sampling_pace.h"
#include "daemon/process/process_table.h"
#include "daemon/uv/handle.h"

namespace tend {

class MetricsSampler {
  public:
    // after_sample runs after each round, once the table has the new values.
    // proc: where processes are read (the real /proc when null).
    MetricsSampler(uv_loop_t* loop, ProcessTable& table, SamplingPace pace,
                   std::function<void()> after_sample, std::unique_ptr<ProcSource> proc = {});
    void close();
    // One round now: every running instance when full, else those with a
    // memory limit and those not sampled yet.
    void sample(bool full = true);
    // How many `tend monit` subscribers there are. The first one gets a
    // round at once, so monit never shows an idle interval's old numbers.
    void set_subscribers(std::size_t count);
    // The dashboard polled: watched for kViewedForMs, a round at once if
    // nobody was watching.
    void viewed();
    // The table changed: a new instance (or one with a memory limit) is read
    // within an interval, not an idle one.
    void table_changed();
    std::int64_t interval_ms() const { return pace_.interval_ms; }

  private:
    struct Member {
        int pid = 0;
        std::uint64_t start_time = 0;
        std::uint64_t ticks = 0;
    };
    struct Track {
        int leader = 0;
        std::uint64_t at_ms = 0;
        std::vector<Member> members;  // by pid
    };
    bool watched(std::uint64_t now) const;
    void on_timer();
    void arm(std::int64_t in_ms);
    bool memory_limited(int id) const;
    Track sample_instance(int id, int pid, std::uint64_t now, const Track* before);

    uv::Handle<uv_timer_t> timer_;
    ProcessTable& table_;
    SamplingPace pace_;
    std::function<void()> after_sample_;
    std::unique_ptr<ProcSource> proc_;
    GroupMembers groups_;
    std::unordered_map<int, Track> tracks_;  // by instance id, from its last round
    std::uint64_t last_full_ms_ = 0;
    bool sampled_full_ = false;  // a full round has run
    std::size_t subscribers_ = 0;
    std::uint64_t viewed_until_ms_ = 0;
    long ticks_per_second_;
    long page_size_;
    std::uint64_t self_start_time_;  // tendd's own, in clock ticks after boot
};

}  // namespace tend
