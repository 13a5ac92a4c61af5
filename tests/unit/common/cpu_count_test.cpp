// The CPU count's parsers, and the cgroup walk on fake trees in a temp dir:
// v2, v1, a hybrid host, nested limits, "max", fractions, missing files and
// garbage.
#include "common/cpu_count.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

using namespace tend;

namespace {

// A temp dir standing for "/": files are written under it by their path as
// the process would see it.
struct FakeRoot {
    std::string dir;
    FakeRoot() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tend-cpu-count-XXXXXX").string();
        dir = ::mkdtemp(pattern.data());
    }
    ~FakeRoot() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    void write(const std::string& path, const std::string& text) const {
        std::filesystem::create_directories(std::filesystem::path(dir + path).parent_path());
        std::ofstream(dir + path) << text;
    }
};

const char* const kV2Mountinfo =
    "25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

// This machine's kind: v1 controllers, and an empty v2 hierarchy beside them.
const char* const kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

int cpus_of(const std::optional<CpuQuota>& quota) {
    return quota ? quota->cpus() : 0;
}

}  // namespace

TEST_CASE("cpu count: cpu.max is a quota per period and max or garbage is no limit") {
    CHECK(cpus_of(parse_cpu_max("200000 100000\n")) == 2);
    CHECK(cpus_of(parse_cpu_max("100000 100000")) == 1);
    CHECK(cpus_of(parse_cpu_max("150000 100000\n")) == 2);  // 1.5 CPUs: 2 instances
    CHECK(cpus_of(parse_cpu_max("50000 100000\n")) == 1);   // half a CPU is still one
    CHECK_FALSE(parse_cpu_max("max 100000\n"));
    CHECK_FALSE(parse_cpu_max(""));
    CHECK_FALSE(parse_cpu_max("lots\n"));
    CHECK_FALSE(parse_cpu_max("200000\n"));
    CHECK_FALSE(parse_cpu_max("200000 100000 7\n"));
    CHECK_FALSE(parse_cpu_max("-200000 100000\n"));
    CHECK_FALSE(parse_cpu_max("200000 0\n"));
    CHECK_FALSE(parse_cpu_max("99999999999999999999 100000\n"));
    CHECK(parse_cpu_max("200000 100000\n")->quota_us == 200000);
    CHECK(parse_cpu_max("200000 100000\n")->period_us == 100000);
}

TEST_CASE("cpu count: cgroup v1's cfs quota with -1 as none") {
    CHECK(cpus_of(parse_cfs_quota("300000\n", "100000\n")) == 3);
    CHECK(cpus_of(parse_cfs_quota("250000\n", "100000\n")) == 3);
    CHECK_FALSE(parse_cfs_quota("-1\n", "100000\n"));
    CHECK_FALSE(parse_cfs_quota("", ""));
    CHECK_FALSE(parse_cfs_quota("100000\n", ""));
    CHECK_FALSE(parse_cfs_quota("x\n", "100000\n"));
}

TEST_CASE("cpu count: a quota's CPUs are rounded up and never 0 or past INT_MAX") {
    CHECK(CpuQuota{1, 100000, ""}.cpus() == 1);
    CHECK(CpuQuota{100001, 100000, ""}.cpus() == 2);
    CHECK(CpuQuota{INT64_MAX, 1, ""}.cpus() == INT_MAX);
}

TEST_CASE("cpu count: /proc/self/cgroup gives the v2 path or the v1 path of a controller") {
    const char* text = "12:cpu,cpuacct:/system.slice/web.service\n4:memory:/m\n0::/user.slice/x\n";
    CHECK(cgroup_path(text, "") == "/user.slice/x");
    CHECK(cgroup_path(text, "cpu") == "/system.slice/web.service");
    CHECK(cgroup_path(text, "cpuacct") == "/system.slice/web.service");
    CHECK_FALSE(cgroup_path(text, "pids"));
    CHECK_FALSE(cgroup_path("4:memory:/m\n", ""));
    CHECK_FALSE(cgroup_path("garbage\n\n:", "cpu"));
}

TEST_CASE("cpu count: mountinfo's cgroup mounts with their controllers and escapes") {
    auto mounts = cgroup_mounts(kHybridMountinfo);
    REQUIRE(mounts.size() == 3);
    CHECK(mounts[0].mount_point == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK_FALSE(mounts[0].v2);
    CHECK(mounts[0].controllers == std::vector<std::string>{"rw", "cpu", "cpuacct"});
    CHECK(mounts[2].mount_point == "/sys/fs/cgroup/unified");
    CHECK(mounts[2].v2);
    auto spaced = cgroup_mounts("30 25 0:26 /a\\040b /my\\040cgroups rw - cgroup2 none rw\n");
    REQUIRE(spaced.size() == 1);
    CHECK(spaced[0].root == "/a b");
    CHECK(spaced[0].mount_point == "/my cgroups");
    CHECK(cgroup_mounts("no dash here\n30 25 0:26 / /x rw - cgroup2\n").empty());
}

TEST_CASE("cpu count: cgroup v2 where the limit of an ancestor binds its descendants") {
    FakeRoot root;
    root.write("/sys/fs/cgroup/app/cpu.max", "200000 100000\n");
    root.write("/sys/fs/cgroup/app/web/cpu.max", "max 100000\n");
    auto quota = cgroup_cpu_quota("0::/app/web\n", kV2Mountinfo, root.dir);
    REQUIRE(quota);
    CHECK(quota->cpus() == 2);
    CHECK(quota->file == "/sys/fs/cgroup/app/cpu.max");
}

TEST_CASE("cpu count: of nested limits the smallest wins wherever it is") {
    FakeRoot root;
    root.write("/sys/fs/cgroup/app/cpu.max", "400000 100000\n");
    root.write("/sys/fs/cgroup/app/web/cpu.max", "150000 100000\n");
    root.write("/sys/fs/cgroup/app/web/worker/cpu.max", "max 100000\n");
    auto quota = cgroup_cpu_quota("0::/app/web/worker\n", kV2Mountinfo, root.dir);
    REQUIRE(quota);
    CHECK(quota->cpus() == 2);
    CHECK(quota->file == "/sys/fs/cgroup/app/web/cpu.max");
    root.write("/sys/fs/cgroup/app/cpu.max", "100000 100000\n");
    CHECK(cpus_of(cgroup_cpu_quota("0::/app/web/worker\n", kV2Mountinfo, root.dir)) == 1);
}

TEST_CASE("cpu count: a container's own limit is at its cgroup namespace's root") {
    FakeRoot root;
    root.write("/sys/fs/cgroup/cpu.max", "100000 100000\n");
    auto quota = cgroup_cpu_quota("0::/\n", kV2Mountinfo, root.dir);
    REQUIRE(quota);
    CHECK(quota->cpus() == 1);
    CHECK(quota->file == "/sys/fs/cgroup/cpu.max");
}

TEST_CASE("cpu count: cgroup v1's cpu hierarchy on a hybrid host") {
    FakeRoot root;
    root.write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    root.write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    root.write("/sys/fs/cgroup/cpu,cpuacct/tend/cpu.cfs_quota_us", "100000\n");
    root.write("/sys/fs/cgroup/cpu,cpuacct/tend/cpu.cfs_period_us", "100000\n");
    root.write("/sys/fs/cgroup/unified/tend/cpu.max", "garbage\n");
    auto quota =
        cgroup_cpu_quota("2:cpu,cpuacct:/tend\n4:memory:/\n0::/tend\n", kHybridMountinfo, root.dir);
    REQUIRE(quota);
    CHECK(quota->cpus() == 1);
    CHECK(quota->file == "/sys/fs/cgroup/cpu,cpuacct/tend/cpu.cfs_quota_us");
}

TEST_CASE(
    "cpu count: v1 mounted at the container's own cgroup (a bind mount without a namespace)") {
    FakeRoot root;
    root.write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "300000\n");
    root.write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    const char* mountinfo = "40 31 0:29 /docker/abc /sys/fs/cgroup/cpu ro - cgroup cgroup rw,cpu\n";
    CHECK(cpus_of(cgroup_cpu_quota("3:cpu:/docker/abc\n", mountinfo, root.dir)) == 3);
    // A path outside the mount's root is not under it: no limit read.
    CHECK_FALSE(cgroup_cpu_quota("3:cpu:/docker/abcd\n", mountinfo, root.dir));
}

TEST_CASE("cpu count: missing files and garbage and no cgroup at all are no limit") {
    FakeRoot root;
    CHECK_FALSE(cgroup_cpu_quota("0::/app\n", kV2Mountinfo, root.dir));
    root.write("/sys/fs/cgroup/app/cpu.max", "\x01\x02 garbage\n");
    CHECK_FALSE(cgroup_cpu_quota("0::/app\n", kV2Mountinfo, root.dir));
    CHECK_FALSE(cgroup_cpu_quota("", "", root.dir));
    CHECK_FALSE(cgroup_cpu_quota("0::/../../etc\n", kV2Mountinfo, root.dir));
}

TEST_CASE("cpu count: usable is the smaller of the affinity mask and the quota and at least 1") {
    CpuQuota one{100000, 100000, "/sys/fs/cgroup/x/cpu.max"};
    CpuCount limited = combine_cpu_count(2, 16, one);
    CHECK(limited.usable == 1);
    CHECK(limited.text() ==
          "1 (cgroup quota 100000/100000 in /sys/fs/cgroup/x/cpu.max; affinity 2; 16 online)");
    CHECK(combine_cpu_count(2, 16, CpuQuota{800000, 100000, "q"}).usable == 2);
    CpuCount pinned = combine_cpu_count(1, 2, std::nullopt);
    CHECK(pinned.usable == 1);
    CHECK(pinned.text() == "1 (no cgroup quota; affinity 1; 2 online)");
    CHECK(combine_cpu_count(0, 4, std::nullopt).usable == 4);
    CHECK(combine_cpu_count(0, 0, std::nullopt).usable == 1);
    CHECK(combine_cpu_count(0, 0, std::nullopt).text() ==
          "1 (no cgroup quota; affinity unknown; unknown online)");
}

TEST_CASE("cpu count: this process's count is at least 1 and at most its affinity") {
    CpuCount count = count_usable_cpus();
    CHECK(count.usable >= 1);
    if (count.affinity > 0) CHECK(count.usable <= count.affinity);
}
