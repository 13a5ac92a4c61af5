// The sampling timer: which instances a round reads, and CPU from tick
// deltas per pid.
#include "daemon/metrics/metrics_sampler.h"

#include <unistd.h>

#include <algorithm>

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

std::unique_ptr<ProcSource> proc_or_system(std::unique_ptr<ProcSource> proc) {
    return proc ? std::move(proc) : std::make_unique<SystemProc>();
}

}  // namespace

MetricsSampler::MetricsSampler(uv_loop_t* loop, ProcessTable& table, SamplingPace pace,
                               std::function<void()> after_sample, std::unique_ptr<ProcSource> proc)
    : timer_("metrics timer", uv_timer_init, loop, this),
      table_(table),
      pace_(pace),
      after_sample_(std::move(after_sample)),
      proc_(proc_or_system(std::move(proc))),
      groups_(*proc_),
      ticks_per_second_(::sysconf(_SC_CLK_TCK)),
      page_size_(::sysconf(_SC_PAGESIZE)),
      self_start_time_(own_start_time()) {
    pace_.idle_ms = std::max(pace_.idle_ms, pace_.interval_ms);
    arm(pace_.interval_ms);
}

void MetricsSampler::close() {
    timer_.close();
}

bool MetricsSampler::watched(std::uint64_t now) const {
    return subscribers_ > 0 || now < viewed_until_ms_;
}

void MetricsSampler::arm(std::int64_t in_ms) {
    if (!timer_) return;
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("metrics timer",
                        [t] { static_cast<MetricsSampler*>(t->data)->on_timer(); });
        },
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, in_ms)), 0);
    // Sampling alone must not keep the loop alive at shutdown.
    uv_unref(timer_.base());
}

void MetricsSampler::set_subscribers(std::size_t count) {
    if (!timer_) return;  // closed: the daemon is stopping
    std::uint64_t now = uv_now(timer_.get()->loop);
    bool was = watched(now);
    subscribers_ = count;
    if (!was && watched(now)) arm(0);
}

void MetricsSampler::viewed() {
    if (!timer_) return;
    std::uint64_t now = uv_now(timer_.get()->loop);
    bool was = watched(now);
    viewed_until_ms_ = now + static_cast<std::uint64_t>(kViewedForMs);
    if (!was) arm(0);
}

void MetricsSampler::table_changed() {
    if (!timer_) return;
    if (uv_timer_get_due_in(timer_.get()) > static_cast<std::uint64_t>(pace_.interval_ms))
        arm(pace_.interval_ms);
}

void MetricsSampler::on_timer() {
    std::uint64_t now = uv_now(timer_.get()->loop);
    bool watching = watched(now);
    auto since_full = static_cast<std::int64_t>(now - last_full_ms_);
    bool full = !sampled_full_ || full_round(pace_, watching, since_full);
    sample(full);
    bool limited = false;
    for (auto [id, pid] : table_.running())
        if ((limited = memory_limited(id))) break;
    since_full = static_cast<std::int64_t>(now - last_full_ms_);
    arm(next_round_in(pace_, watching, limited, since_full));
}

bool MetricsSampler::memory_limited(int id) const {
    const Instance* inst = table_.find(id);
    const App* app = inst ? table_.find_app(inst->app) : nullptr;
    return app && app->spec.restart.max_memory_bytes > 0;
}

void MetricsSampler::sample(bool full) {
    if (!timer_) return;
    std::uint64_t now = uv_now(timer_.get()->loop);
    auto running = table_.running();
    std::vector<int> leaders;
    leaders.reserve(running.size());
    for (auto [id, pid] : running) leaders.push_back(pid);  // each instance leads its own group
    groups_.discover(leaders);

    std::unordered_map<int, Track> next;
    next.reserve(running.size());
    for (auto [id, pid] : running) {
        auto before = tracks_.find(id);
        bool fresh = before == tracks_.end() || before->second.leader != pid;
        if (full || fresh || memory_limited(id))
            next.emplace(id, sample_instance(id, pid, now,
                                             before == tracks_.end() ? nullptr : &before->second));
        else
            next.emplace(id, std::move(before->second));
    }
    tracks_.swap(next);
    if (full) {
        last_full_ms_ = now;
        sampled_full_ = true;
    }
    if (after_sample_) after_sample_();
}

MetricsSampler::Track MetricsSampler::sample_instance(int id, int pid, std::uint64_t now,
                                                      const Track* before) {
    Track track{pid, now, {}};
    std::vector<ProcStat> members = groups_.read(pid);
    if (members.empty()) return track;  // exited since; its exit is on its way
    // CPU needs an earlier sample of this very leader (a reused pid is not one).
    bool known = false;
    std::uint64_t ticks = 0;
    std::uint64_t counted = 0;  // for the instance's CPU seconds counter
    std::int64_t pages = 0;
    for (const ProcStat& p : members) {
        const Member* prev = nullptr;
        if (before && before->leader == pid) {
            auto it = std::lower_bound(before->members.begin(), before->members.end(), p.pid,
                                       [](const Member& m, int q) { return m.pid < q; });
            if (it != before->members.end() && it->pid == p.pid) prev = &*it;
        }
        bool same = prev && prev->start_time == p.start_time;
        if (p.pid == pid) known = same;
        // A member new since the last round spent all its ticks within it.
        std::uint64_t spent =
            same && p.cpu_ticks >= prev->ticks ? p.cpu_ticks - prev->ticks : p.cpu_ticks;
        ticks += spent;
        // Except one older than this daemon (adopted in a take-over):
        // its past was the last daemon's to count; from here on it counts.
        if (same || p.start_time >= self_start_time_) counted += spent;
        pages += p.rss_pages;
        track.members.push_back(Member{p.pid, p.start_time, p.cpu_ticks});
    }
    std::sort(track.members.begin(), track.members.end(),
              [](const Member& a, const Member& b) { return a.pid < b.pid; });
    auto elapsed = static_cast<std::int64_t>(known ? now - before->at_ms : 0);
    double cpu = known ? cpu_percent(ticks, elapsed, ticks_per_second_) : 0.0;
    double seconds = static_cast<double>(counted) / static_cast<double>(ticks_per_second_);
    table_.set_metrics(id, cpu, pages * page_size_, seconds);
    return track;
}

}  // namespace tend
