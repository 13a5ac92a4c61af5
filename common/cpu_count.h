// How many CPUs this process may use: what `-i max` comes to. The smaller
// of the CPUs in its affinity mask (taskset, a cpuset) and its cgroup's CPU
// quota (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`),
// the quota rounded up (1.5 CPUs → 2), at least 1. A container limited to 2
// CPUs on a 48-core host gets 2, not 48.
//
// The parsers are pure (file contents in); the cgroup walk reads files under
// a root directory, so unit tests run it on a fake tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// A CPU bandwidth limit: quota microseconds per period, e.g. 150000/100000
// is 1.5 CPUs.
struct CpuQuota {
    std::int64_t quota_us = 0;
    std::int64_t period_us = 0;
    std::string file;  // where it was read, as the process sees it ("/sys/fs/cgroup/x/cpu.max")

    // ceil(quota / period), at least 1.
    int cpus() const;
};

// The count and why: what `tend report` and `ping --json` show.
struct CpuCount {
    int usable = 1;                 // min(affinity, quota), at least 1
    int affinity = 0;               // CPUs in the affinity mask; 0 = unknown
    int online = 0;                 // CPUs online on the host; 0 = unknown
    std::optional<CpuQuota> quota;  // the smallest limit on the way up, if any

    // "1 (cgroup cpu.max 100000/100000 at /sys/fs/cgroup/x/cpu.max; affinity 2; 2 online)".
    std::string text() const;
};

// One mount of /proc/self/mountinfo that is a cgroup hierarchy.
struct CgroupMount {
    std::string root;         // the directory of the hierarchy mounted there ("/" mostly)
    std::string mount_point;  // where it is mounted ("/sys/fs/cgroup/cpu")
    bool v2 = false;          // cgroup2; else v1 with the controllers below
    std::vector<std::string> controllers;  // v1: its super options that name controllers
};

// The cgroup mounts in mountinfo's text (fstype cgroup or cgroup2); octal
// escapes (`\040` for a space) are decoded.
std::vector<CgroupMount> cgroup_mounts(std::string_view mountinfo);

// The process's cgroup path from /proc/self/cgroup's text: the v2 line
// ("0::/path") when controller is "", else the v1 line whose controller
// list holds it ("3:cpu,cpuacct:/path"). nullopt when there is none.
std::optional<std::string> cgroup_path(std::string_view proc_cgroup, std::string_view controller);

// cgroup v2 `cpu.max`: "200000 100000" is a limit; "max 100000", a missing
// file (""), or anything unreadable is none.
std::optional<CpuQuota> parse_cpu_max(std::string_view text);
// cgroup v1: `cpu.cfs_quota_us` (-1 = none) and `cpu.cfs_period_us`.
std::optional<CpuQuota> parse_cfs_quota(std::string_view quota, std::string_view period);

// The smallest CPU limit on the way from the process's cgroup up to the
// root of its hierarchy (a parent's limit binds its children), v2 and v1
// both (a hybrid host has the cpu controller in one of them). fs_root is
// prefixed to every path read ("" for the real system, a temp dir in
// tests); the texts are /proc/self/cgroup's and /proc/self/mountinfo's.
std::optional<CpuQuota> cgroup_cpu_quota(std::string_view proc_cgroup, std::string_view mountinfo,
                                         const std::string& fs_root);

// usable from its parts: min(affinity, quota's CPUs), whichever are known,
// else online, at least 1.
CpuCount combine_cpu_count(int affinity, int online, std::optional<CpuQuota> quota);

// This process's count, read now (the mask and limits can change while
// tendd runs: `systemctl set-property`, `taskset -p`).
CpuCount count_usable_cpus();

}  // namespace tend
