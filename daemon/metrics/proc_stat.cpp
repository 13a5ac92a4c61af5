// /proc/<pid>/stat parsing, and CPU % from ticks.
#include "daemon/metrics/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace tend {
namespace {

// One decimal field; false unless it is all digits (a leading '-' for a
// signed one).
template <typename T>
bool proc_stat_number(std::string_view field, T& out) {
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
    return ec == std::errc() && end == field.data() + field.size();
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    // The command name (field 2) may hold spaces and parens: the fields after
    // it are counted from the last ')'. Parsed by hand, without a copy: a
    // round reads one of these per process of every instance.
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    ProcStat s;
    if (!proc_stat_number(text.substr(0, text.find(' ')), s.pid) || s.pid <= 0) return std::nullopt;
    // Fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt
    // majflt cmajflt utime stime cutime cstime priority nice num_threads
    // itrealvalue starttime vsize rss: the indexes below count from state.
    constexpr int kPpid = 1, kPgrp = 2, kUtime = 11, kStime = 12, kStart = 19, kRss = 21;
    std::uint64_t utime = 0, stime = 0;
    int found = 0;
    std::string_view rest = text.substr(close + 1);
    int index = 0;
    for (std::size_t at = 0; index <= kRss; ++index) {
        at = rest.find_first_not_of(' ', at);
        if (at == std::string_view::npos) return std::nullopt;
        std::size_t end = std::min(rest.find_first_of(" \n", at), rest.size());
        std::string_view field = rest.substr(at, end - at);
        at = end;
        bool ok = true;
        switch (index) {
            case kPpid:
                ok = proc_stat_number(field, s.ppid);
                break;
            case kPgrp:
                ok = proc_stat_number(field, s.pgid);
                break;
            case kUtime:
                ok = proc_stat_number(field, utime);
                break;
            case kStime:
                ok = proc_stat_number(field, stime);
                break;
            case kStart:
                ok = proc_stat_number(field, s.start_time);
                break;
            case kRss:
                ok = proc_stat_number(field, s.rss_pages);
                break;
            default:
                continue;
        }
        if (!ok) return std::nullopt;
        ++found;
    }
    if (found != 6) return std::nullopt;
    s.cpu_ticks = utime + stime;
    return s;
}

std::optional<ProcStat> read_proc_stat(int pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    // One read(2): a /proc file is generated at open, so one read sees a
    // consistent snapshot, and it costs three syscalls.
    char buf[1024];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    return parse_proc_stat(std::string_view(buf, static_cast<std::size_t>(n)));
}

double cpu_percent(std::uint64_t ticks, std::int64_t elapsed_ms, long ticks_per_second) {
    if (elapsed_ms <= 0 || ticks_per_second <= 0) return 0;
    double cpu_ms = static_cast<double>(ticks) * 1000.0 / static_cast<double>(ticks_per_second);
    return cpu_ms * 100.0 / static_cast<double>(elapsed_ms);
}

}  // namespace tend
