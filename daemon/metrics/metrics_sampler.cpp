// The sampling timer: one /proc scan a round, CPU from tick deltas per pid.
#include "daemon/metrics/metrics_sampler.h"

#include <unistd.h>

#include "daemon/metrics/proc_stat.h"
#include "daemon/uv/guard.h"

namespace tend {

namespace {

// This process's start, in clock ticks after boot (as /proc/<pid>/stat
// says); 0 when unreadable, so every process then counts as newer.
std::uint64_t own_start_time() {
    auto stat = read_proc_stat(::getpid());
    return stat ? stat->start_time : 0;
}

}  // namespace

MetricsSampler::MetricsSampler(uv_loop_t* loop, ProcessTable& table, std::int64_t interval_ms,
                               std::function<void()> after_sample)
    : timer_("metrics timer", uv_timer_init, loop, this),
      table_(table),
      interval_ms_(interval_ms),
      after_sample_(std::move(after_sample)),
      ticks_per_second_(::sysconf(_SC_CLK_TCK)),
      page_size_(::sysconf(_SC_PAGESIZE)),
      self_start_time_(own_start_time()) {
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("metrics timer", [t] { static_cast<MetricsSampler*>(t->data)->sample(); });
        },
        static_cast<std::uint64_t>(interval_ms), static_cast<std::uint64_t>(interval_ms));
    // Sampling alone must not keep the loop alive at shutdown.
    uv_unref(timer_.base());
}

void MetricsSampler::close() {
    timer_.close();
}

void MetricsSampler::sample() {
    std::uint64_t now = uv_now(timer_.get()->loop);
    auto elapsed = static_cast<std::int64_t>(now - last_at_ms_);
    auto running = table_.running();
    std::unordered_set<int> pgids;
    for (auto [id, pid] : running) pgids.insert(pid);  // each instance leads its own group
    auto groups = scan_process_groups(pgids);

    std::unordered_map<int, Seen> next;
    for (auto [id, pid] : running) {
        auto members = groups.find(pid);
        if (members == groups.end()) continue;  // exited since; its exit is on its way
        // CPU needs an earlier sample of this very leader (a reused pid is not one).
        bool known = false;
        std::uint64_t ticks = 0;
        std::uint64_t counted = 0;  // for the instance's CPU seconds counter
        std::int64_t pages = 0;
        for (const ProcStat& p : members->second) {
            auto prev = seen_.find(p.pid);
            bool same = prev != seen_.end() && prev->second.start_time == p.start_time;
            if (p.pid == pid) known = same;
            // A member new since the last round spent all its ticks within it.
            std::uint64_t spent = same && p.cpu_ticks >= prev->second.ticks
                                      ? p.cpu_ticks - prev->second.ticks
                                      : p.cpu_ticks;
            ticks += spent;
            // Except one older than this daemon (adopted in a take-over):
            // its past was the last daemon's to count; from here on it counts.
            if (same || p.start_time >= self_start_time_) counted += spent;
            pages += p.rss_pages;
            next[p.pid] = Seen{p.start_time, p.cpu_ticks};
        }
        double cpu = known ? cpu_percent(ticks, elapsed, ticks_per_second_) : 0.0;
        double seconds = static_cast<double>(counted) / static_cast<double>(ticks_per_second_);
        table_.set_metrics(id, cpu, pages * page_size_, seconds);
    }
    seen_.swap(next);
    last_at_ms_ = now;
    if (after_sample_) after_sample_();
}

}  // namespace tend
