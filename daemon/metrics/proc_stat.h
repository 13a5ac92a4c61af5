// Reading processes from /proc: one line of /proc/<pid>/stat parsed into the
// few fields the metrics need (group_members.h finds which to read).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tend {

struct ProcStat {
    int pid = 0;
    int ppid = 0;
    int pgid = 0;
    std::uint64_t cpu_ticks = 0;   // utime + stime, in clock ticks
    std::uint64_t start_time = 0;  // in clock ticks after boot: tells a reused pid apart
    std::int64_t rss_pages = 0;
};

// Parses the text of /proc/<pid>/stat; nullopt when it is not one.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// /proc/<pid>/stat read and parsed; nullopt when pid is gone.
std::optional<ProcStat> read_proc_stat(int pid);

// CPU % of one core for ticks spent over elapsed_ms.
double cpu_percent(std::uint64_t ticks, std::int64_t elapsed_ms, long ticks_per_second);

}  // namespace tend
