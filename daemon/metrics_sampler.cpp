// /proc parsing and the sampling timer.
#include "daemon/metrics_sampler.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace tend {
namespace {

// Reads a small /proc file in one read(2): cheaper than iostreams, and a
// /proc file is generated at open, so one read sees a consistent snapshot.
std::optional<std::string> read_small(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[1024];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

std::optional<ProcSample> read_proc_sample(int pid) {
    auto stat = read_small("/proc/" + std::to_string(pid) + "/stat");
    auto statm = read_small("/proc/" + std::to_string(pid) + "/statm");
    if (!stat || !statm) return std::nullopt;
    // The command name (field 2) may hold spaces and parens: fields are
    // counted from the last ')'. utime and stime are fields 14 and 15.
    auto close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    unsigned long long utime = 0, stime = 0;
    if (std::sscanf(stat->c_str() + close + 1,
                    " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return std::nullopt;
    long long size = 0, resident = 0;
    if (std::sscanf(statm->c_str(), "%lld %lld", &size, &resident) != 2) return std::nullopt;
    return ProcSample{utime + stime, resident * ::sysconf(_SC_PAGESIZE)};
}

double cpu_percent(std::uint64_t ticks_before, std::uint64_t ticks_after, std::int64_t elapsed_ms,
                   long ticks_per_second) {
    if (elapsed_ms <= 0 || ticks_after < ticks_before || ticks_per_second <= 0) return 0;
    double cpu_ms = (ticks_after - ticks_before) * 1000.0 / ticks_per_second;
    return cpu_ms * 100.0 / elapsed_ms;
}

MetricsSampler::MetricsSampler(uv_loop_t* loop, ProcessTable& table, std::int64_t interval_ms)
    : table_(table), ticks_per_second_(::sysconf(_SC_CLK_TCK)) {
    uv_timer_init(loop, &timer_);
    timer_.data = this;
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<MetricsSampler*>(t->data)->sample(); },
        static_cast<std::uint64_t>(interval_ms), static_cast<std::uint64_t>(interval_ms));
    // Sampling alone must not keep the loop alive at shutdown.
    uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
    open_ = true;
}

void MetricsSampler::close() {
    if (!open_) return;
    open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
}

void MetricsSampler::sample() {
    std::uint64_t now = uv_now(timer_.loop);
    std::unordered_map<int, Last> next;
    for (auto [id, pid] : table_.running()) {
        auto s = read_proc_sample(pid);
        if (!s) continue;
        double cpu = 0;
        if (auto it = last_.find(id); it != last_.end() && it->second.pid == pid)
            cpu = cpu_percent(it->second.ticks, s->cpu_ticks,
                              static_cast<std::int64_t>(now - it->second.at_ms), ticks_per_second_);
        table_.set_metrics(id, cpu, s->rss_bytes);
        next[id] = Last{pid, s->cpu_ticks, now};
    }
    last_.swap(next);
}

}  // namespace tend
