// Counting the CPUs a process may use: the affinity mask, and the cgroup
// CPU quota found by walking the process's cgroup up to its hierarchy's root.
#include "common/cpu_count.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/text.h"

namespace tend {
namespace {

// The most of /proc/self/cgroup and /proc/self/mountinfo read: a host with
// thousands of mounts (a container host) fits; what is past it is ignored.
constexpr std::size_t kProcFileBytes = 4 << 20;

std::vector<std::string_view> cpu_count_split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto at = text.find(sep);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

std::string_view cpu_count_trim(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
}

// mountinfo writes a space as \040, a tab \011, a newline \012, '\' \134.
std::string unescape_mount_field(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        bool octal = field[i] == '\\' && i + 3 < field.size();
        if (octal && field.substr(i + 1, 3).find_first_not_of("01234567") == std::string::npos) {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                     (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

// One line of mountinfo, if it is a cgroup mount: "36 35 0:29 / /sys/fs/cgroup/cpu rw - cgroup
// cgroup rw,cpu". The optional fields before " - " vary in number.
std::optional<CgroupMount> cgroup_mount_of(std::string_view line) {
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) return std::nullopt;
    std::vector<std::string_view> before = cpu_count_split(line.substr(0, dash), ' ');
    std::vector<std::string_view> after = cpu_count_split(line.substr(dash + 3), ' ');
    if (before.size() < 5 || after.size() < 3) return std::nullopt;
    if (after[0] != "cgroup" && after[0] != "cgroup2") return std::nullopt;
    CgroupMount mount{unescape_mount_field(before[3]),
                      unescape_mount_field(before[4]),
                      after[0] == "cgroup2",
                      {}};
    if (!mount.v2)
        for (auto option : cpu_count_split(after[2], ',')) mount.controllers.emplace_back(option);
    return mount;
}

bool holds_controller(const std::vector<std::string>& controllers, std::string_view controller) {
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

// A file's text, "" when it cannot be read; at most max_bytes (a cgroup
// file is a line; mountinfo is a few hundred lines even with many mounts).
std::string read_cgroup_text(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string text;
    for (std::istreambuf_iterator<char> it(in), end; it != end && text.size() < max_bytes; ++it)
        text += *it;
    return text;
}

std::string read_cgroup_file(const std::string& path) {
    return read_cgroup_text(path, 4096);
}

// The quota of one cgroup directory (as the process sees it), if it has one.
std::optional<CpuQuota> quota_in(const std::string& fs_root, const std::string& dir, bool v2) {
    std::optional<CpuQuota> quota;
    if (v2) {
        quota = parse_cpu_max(read_cgroup_file(fs_root + dir + "/cpu.max"));
        if (quota) quota->file = dir + "/cpu.max";
    } else {
        quota = parse_cfs_quota(read_cgroup_file(fs_root + dir + "/cpu.cfs_quota_us"),
                                read_cgroup_file(fs_root + dir + "/cpu.cfs_period_us"));
        if (quota) quota->file = dir + "/cpu.cfs_quota_us";
    }
    return quota;
}

// The directory of cgroup path in mount, or nullopt when the path is not
// under the mount's root (another namespace's, say).
std::optional<std::string> relative_to_mount(const CgroupMount& mount, const std::string& path) {
    std::string root = mount.root == "/" ? "" : mount.root;
    if (path.compare(0, root.size(), root) != 0) return std::nullopt;
    std::string rest = path.substr(root.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/ab" is not under "/a"
    while (!rest.empty() && rest.back() == '/') rest.pop_back();    // "/" is the mount itself
    return rest;
}

// The smallest limit from the cgroup of rel up to the mount point itself:
// in a container with a cgroup namespace, the mount's root is the
// container's own cgroup, and its limit is there.
std::optional<CpuQuota> smallest_on_the_way_up(const std::string& fs_root, const CgroupMount& mount,
                                               std::string rel) {
    std::optional<CpuQuota> smallest;
    for (;;) {
        if (rel.find("/..") != std::string::npos) return smallest;  // never above the mount
        auto here = quota_in(fs_root, mount.mount_point + rel, mount.v2);
        if (here && (!smallest || here->cpus() < smallest->cpus())) smallest = here;
        if (rel.empty()) return smallest;
        rel.erase(rel.rfind('/'));
    }
}

std::optional<CpuQuota> smaller_quota(std::optional<CpuQuota> a, std::optional<CpuQuota> b) {
    if (!a) return b;
    if (!b) return a;
    return b->cpus() < a->cpus() ? b : a;
}

// CPUs in the affinity mask; 0 when it cannot be read. The mask may need
// more than cpu_set_t's 1024 bits on a large host.
int affinity_count() {
    for (int bits = 1024; bits <= (1 << 20); bits *= 2) {
        std::unique_ptr<cpu_set_t, void (*)(cpu_set_t*)> set(CPU_ALLOC(bits),
                                                             [](cpu_set_t* s) { CPU_FREE(s); });
        if (!set) return 0;
        std::size_t size = CPU_ALLOC_SIZE(bits);
        CPU_ZERO_S(size, set.get());
        if (::sched_getaffinity(0, size, set.get()) == 0) return CPU_COUNT_S(size, set.get());
        if (errno != EINVAL) return 0;
    }
    return 0;
}

}  // namespace

int CpuQuota::cpus() const {
    if (quota_us <= 0 || period_us <= 0) return 1;
    std::int64_t whole = quota_us / period_us + (quota_us % period_us != 0 ? 1 : 0);
    return static_cast<int>(std::clamp<std::int64_t>(whole, 1, INT_MAX));
}

std::string CpuCount::text() const {
    std::string out = std::to_string(usable);
    out += " (";
    if (quota) {
        out += "cgroup quota ";
        out += std::to_string(quota->quota_us);
        out += '/';
        out += std::to_string(quota->period_us);
        out += " in ";
        out += quota->file;
    } else {
        out += "no cgroup quota";
    }
    out += "; affinity ";
    out += affinity > 0 ? std::to_string(affinity) : std::string("unknown");
    out += "; ";
    out += online > 0 ? std::to_string(online) : std::string("unknown");
    out += " online)";
    return out;
}

std::vector<CgroupMount> cgroup_mounts(std::string_view mountinfo) {
    std::vector<CgroupMount> mounts;
    for (auto line : cpu_count_split(mountinfo, '\n'))
        if (auto mount = cgroup_mount_of(line)) mounts.push_back(std::move(*mount));
    return mounts;
}

std::optional<std::string> cgroup_path(std::string_view proc_cgroup, std::string_view controller) {
    for (auto line : cpu_count_split(proc_cgroup, '\n')) {
        auto first = line.find(':');
        auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        std::string_view id = line.substr(0, first);
        std::string_view list = line.substr(first + 1, second - first - 1);
        std::vector<std::string_view> names = cpu_count_split(list, ',');
        bool match = controller.empty()
                         ? id == "0" && list.empty()
                         : std::find(names.begin(), names.end(), controller) != names.end();
        if (match) return std::string(line.substr(second + 1));
    }
    return std::nullopt;
}

std::optional<CpuQuota> parse_cpu_max(std::string_view text) {
    std::vector<std::string_view> words = cpu_count_split(cpu_count_trim(text), ' ');
    if (words.size() != 2) return std::nullopt;
    auto quota = parse_int(words[0]);  // "max" is no number: no limit
    auto period = parse_int(words[1]);
    if (!quota || !period || *quota == 0 || *period == 0) return std::nullopt;
    return CpuQuota{*quota, *period, ""};
}

std::optional<CpuQuota> parse_cfs_quota(std::string_view quota_text, std::string_view period_text) {
    auto quota = parse_int(cpu_count_trim(quota_text));  // -1 is no number: no limit
    auto period = parse_int(cpu_count_trim(period_text));
    if (!quota || !period || *quota == 0 || *period == 0) return std::nullopt;
    return CpuQuota{*quota, *period, ""};
}

std::optional<CpuQuota> cgroup_cpu_quota(std::string_view proc_cgroup, std::string_view mountinfo,
                                         const std::string& fs_root) {
    std::optional<CpuQuota> smallest;
    for (const CgroupMount& mount : cgroup_mounts(mountinfo)) {
        if (!mount.v2 && !holds_controller(mount.controllers, "cpu")) continue;
        auto path = cgroup_path(proc_cgroup, mount.v2 ? "" : "cpu");
        auto rel = path ? relative_to_mount(mount, *path) : std::nullopt;
        if (rel) smallest = smaller_quota(smallest, smallest_on_the_way_up(fs_root, mount, *rel));
    }
    return smallest;
}

CpuCount combine_cpu_count(int affinity, int online, std::optional<CpuQuota> quota) {
    CpuCount count;
    count.affinity = affinity;
    count.online = online;
    count.usable = affinity > 0 ? affinity : std::max(online, 1);
    if (quota) count.usable = std::min(count.usable, quota->cpus());
    count.quota = std::move(quota);
    return count;
}

CpuCount count_usable_cpus() {
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    auto quota = cgroup_cpu_quota(read_cgroup_text("/proc/self/cgroup", kProcFileBytes),
                                  read_cgroup_text("/proc/self/mountinfo", kProcFileBytes), "");
    return combine_cpu_count(affinity_count(), online > 0 ? static_cast<int>(online) : 0,
                             std::move(quota));
}

}  // namespace tend
