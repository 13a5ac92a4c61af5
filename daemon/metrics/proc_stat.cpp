// /proc/<pid>/stat parsing, and CPU % from ticks.
#include "daemon/metrics/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tend {
namespace {

// Reads a small /proc file in one read(2): a /proc file is generated at
// open, so one read sees a consistent snapshot, and it costs three syscalls.
std::optional<std::string> read_small(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[1024];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    // The command name (field 2) may hold spaces and parens: the fields after
    // it are counted from the last ')'.
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    ProcStat s;
    s.pid = std::atoi(std::string(text.substr(0, text.find(' '))).c_str());
    std::string rest(text.substr(close + 1));
    unsigned long long utime = 0, stime = 0, start = 0;
    long long rss = 0;
    // Fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt
    // majflt cmajflt utime stime cutime cstime priority nice num_threads
    // itrealvalue starttime vsize rss.
    int got = std::sscanf(rest.c_str(),
                          " %*c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                          "%*d %*d %llu %*u %lld",
                          &s.ppid, &s.pgid, &utime, &stime, &start, &rss);
    if (got != 6 || s.pid <= 0) return std::nullopt;
    s.cpu_ticks = utime + stime;
    s.start_time = start;
    s.rss_pages = rss;
    return s;
}

std::optional<ProcStat> read_proc_stat(int pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    auto text = read_small(path);
    return text ? parse_proc_stat(*text) : std::nullopt;
}

double cpu_percent(std::uint64_t ticks, std::int64_t elapsed_ms, long ticks_per_second) {
    if (elapsed_ms <= 0 || ticks_per_second <= 0) return 0;
    double cpu_ms = static_cast<double>(ticks) * 1000.0 / static_cast<double>(ticks_per_second);
    return cpu_ms * 100.0 / static_cast<double>(elapsed_ms);
}

}  // namespace tend
