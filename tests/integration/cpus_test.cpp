// -i max and -i -1 count the CPUs tendd may use, not the CLI's: a daemon
// pinned with taskset, and (where the test can make one) a daemon in a
// cgroup limited to one CPU, while `tend` runs unconstrained.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/cpu_count.h"
#include "harness.h"

using namespace tend::it;

namespace {

std::optional<std::string> find_taskset() {
    for (const char* path : {"/usr/bin/taskset", "/bin/taskset"})
        if (::access(path, X_OK) == 0) return std::string(path);
    return std::nullopt;
}

json ping_json(const TendHome& t) {
    Result r = t.run_ok({"ping", "--json"});
    return json::parse(r.out);
}

bool write_cgroup_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

// A cgroup of our own, limited to one CPU, under the root of a hierarchy
// that has the cpu controller: v2 when the root hands it to children
// (cgroup.subtree_control), else v1's cpu hierarchy. The destructor moves
// any process left in it to the root and removes it, waiting until it is
// gone. Empty dir() = none could be made, and why() says why.
class OneCpuCgroup {
  public:
    OneCpuCgroup() {
        std::ifstream in("/proc/self/mountinfo");
        std::string mountinfo((std::istreambuf_iterator<char>(in)), {});
        for (const auto& mount : tend::cgroup_mounts(mountinfo)) {
            if (mount.root != "/" || !dir_.empty()) continue;
            if (mount.v2 ? !v2_hands_out_cpu(mount.mount_point)
                         : std::find(mount.controllers.begin(), mount.controllers.end(), "cpu") ==
                               mount.controllers.end())
                continue;
            try_make(mount.mount_point, mount.v2);
        }
        if (dir_.empty() && why_.empty())
            why_ = "no cgroup hierarchy with the cpu controller available to children";
    }
    ~OneCpuCgroup() { remove(); }
    OneCpuCgroup(const OneCpuCgroup&) = delete;
    OneCpuCgroup& operator=(const OneCpuCgroup&) = delete;

    const std::string& dir() const { return dir_; }
    const std::string& why() const { return why_; }

  private:
    static bool v2_hands_out_cpu(const std::string& root) {
        for (const auto& word : words(read_file(root + "/cgroup.subtree_control")))
            if (word == "cpu") return true;
        return false;
    }

    void try_make(const std::string& root, bool v2) {
        std::string dir = root + "/tend-test-" + std::to_string(::getpid());
        if (::mkdir(dir.c_str(), 0755) != 0) {
            why_ = "cannot create " + dir + ": " + std::strerror(errno);
            return;
        }
        bool limited = v2 ? write_cgroup_file(dir + "/cpu.max", "100000 100000\n")
                          : write_cgroup_file(dir + "/cpu.cfs_period_us", "100000\n") &&
                                write_cgroup_file(dir + "/cpu.cfs_quota_us", "100000\n");
        root_ = root;
        dir_ = dir;
        if (limited) return;
        why_ = "cannot set a CPU limit in " + dir;
        remove();
    }

    void remove() {
        if (dir_.empty()) return;
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (::rmdir(dir_.c_str()) != 0 && errno == EBUSY) {
            for (const auto& pid : words(read_file(dir_ + "/cgroup.procs")))
                write_cgroup_file(root_ + "/cgroup.procs", pid + "\n");
            if (std::chrono::steady_clock::now() >= deadline) {
                FAIL_CHECK("could not remove the test cgroup " << dir_);
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
        dir_.clear();
    }

    std::string root_;
    std::string dir_;
    std::string why_;
};

}  // namespace

TEST_CASE("cpus: -i max and -1 count the CPUs of tendd's affinity mask and not the CLI's") {
    auto taskset = find_taskset();
    if (!taskset) {
        MESSAGE("taskset is not installed: the affinity mask is not tested");
        return;
    }
    if (std::thread::hardware_concurrency() < 2)
        MESSAGE("one CPU: pinning tendd narrows nothing, the counts are 1 either way");
    TendHome::Options options;
    options.daemon_wrapper = {*taskset, "-c", "0"};
    TendHome t(options);
    t.run_ok(start_fixture("wide", {"-i", "max"}, {"sleep"}));
    CHECK(t.instances("wide").size() == 1);
    t.run_ok(start_fixture("fewer", {"-i", "-1"}, {"sleep"}));
    CHECK(t.instances("fewer").size() == 1);
    t.wait_for("wide", all_online(1), "the one instance of wide online");
    json ping = ping_json(t);
    CHECK(ping["cpus"] == 1);
    CHECK(contains(ping["cpus_detail"].get<std::string>(), "affinity 1"));
    // What a user sees: the daemon's count in `tend report`, describe's word.
    CHECK(contains(t.run_ok({"report"}).out, "cpus:    1 ("));
    CHECK(has_labeled_value(t.run_ok({"describe", "wide"}).out, {"instances"}, "1"));
    CHECK(contains(t.run_ok({"describe", "wide"}).out, "-i max"));
}

TEST_CASE("cpus: -i max counts the CPUs of tendd's cgroup quota and not the CLI's") {
    OneCpuCgroup cgroup;
    if (cgroup.dir().empty()) {
        MESSAGE("no cgroup with a CPU limit could be made (" << cgroup.why()
                                                             << "): the quota is not tested");
        return;
    }
    TendHome::Options options;
    options.daemon_wrapper = {
        "/bin/sh", "-c", "echo $$ > '" + cgroup.dir() + "/cgroup.procs' && exec \"$0\" \"$@\""};
    {
        TendHome t(options);
        t.run_ok(start_fixture("wide", {"-i", "max"}, {"sleep"}));
        CHECK(t.instances("wide").size() == 1);
        t.wait_for("wide", all_online(1), "the one instance of wide online");
        json ping = ping_json(t);
        CHECK(ping["cpus"] == 1);
        CHECK(contains(ping["cpus_detail"].get<std::string>(), cgroup.dir()));
    }  // the daemon and its apps are gone before the cgroup is removed
}
