// Finding the members of tend's process groups over a fake /proc: each
// process is read once for its group, /proc is listed again only when a
// pid was handed out, and a member is followed however deep it was forked.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "daemon/metrics/group_members.h"

using namespace tend;

namespace {

struct FakeProc final : ProcSource {
    struct Proc {
        int pgid = 0;
        std::uint32_t inode = 0;
        std::uint64_t ticks = 0;
    };
    std::map<int, Proc> procs;
    int last = 1;  // moves with every pid handed out, as the kernel's does
    bool knows_last = true;
    std::map<int, int> stats;  // reads per pid
    std::uint32_t next_inode = 100;

    int spawn(int pid, int pgid) {
        procs[pid] = Proc{pgid, next_inode++, 0};
        ++last;
        return pid;
    }
    std::optional<int> last_pid() override {
        return knows_last ? std::optional<int>(last) : std::nullopt;
    }
    bool list(std::vector<ProcEntry>& out) override {
        out.clear();
        for (const auto& [pid, p] : procs) out.push_back(ProcEntry{pid, p.inode});
        return true;
    }
    std::optional<ProcStat> stat(int pid) override {
        ++stats[pid];
        auto it = procs.find(pid);
        if (it == procs.end()) return std::nullopt;
        ProcStat s;
        s.pid = pid;
        s.pgid = it->second.pgid;
        s.cpu_ticks = it->second.ticks;
        s.start_time = it->second.inode;
        s.rss_pages = 1;
        return s;
    }
};

std::vector<int> pids_of(const std::vector<ProcStat>& stats) {
    std::vector<int> out;
    for (const auto& s : stats) out.push_back(s.pid);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("group members: the leader and every process of its group, however deep") {
    FakeProc proc;
    for (int pid = 2; pid < 50; ++pid) proc.spawn(pid, pid);  // unrelated processes
    proc.spawn(100, 100);                                     // the instance
    proc.spawn(101, 100);                                     // its child
    proc.spawn(102, 100);                                     // a grandchild
    proc.spawn(103, 103);                                     // a child that left the group
    GroupMembers members(proc);
    members.discover({100});
    CHECK(pids_of(members.read(100)) == std::vector<int>{100, 101, 102});
}

TEST_CASE("group members: an unchanged machine is neither listed nor read again") {
    FakeProc proc;
    for (int pid = 2; pid < 1000; ++pid) proc.spawn(pid, pid);
    proc.spawn(1000, 1000);
    proc.spawn(1001, 1000);
    GroupMembers members(proc);
    members.discover({1000});
    members.read(1000);
    CHECK(members.listings() == 1);
    proc.stats.clear();
    for (int round = 0; round < 10; ++round) {
        members.discover({1000});
        CHECK(pids_of(members.read(1000)) == std::vector<int>{1000, 1001});
    }
    CHECK(members.listings() == 1);
    // Only the group's two processes were read, once a round.
    CHECK(proc.stats.size() == 2);
    CHECK(proc.stats[1000] == 10);
    CHECK(proc.stats[1001] == 10);
}

TEST_CASE("group members: a new process is read once, for its group, then only if it is one") {
    FakeProc proc;
    for (int pid = 2; pid < 100; ++pid) proc.spawn(pid, pid);
    proc.spawn(200, 200);
    GroupMembers members(proc);
    members.discover({200});
    members.read(200);
    proc.spawn(300, 300);  // unrelated
    proc.spawn(301, 200);  // forked by the instance
    proc.stats.clear();
    members.discover({200});
    CHECK(pids_of(members.read(200)) == std::vector<int>{200, 301});
    CHECK(members.listings() == 2);
    CHECK(proc.stats[300] == 1);
    for (int pid = 2; pid < 100; ++pid) CHECK(proc.stats.count(pid) == 0);
    members.discover({200});
    members.read(200);
    CHECK(proc.stats[300] == 1);  // never again
}

TEST_CASE("group members: a pid reused by another process is read again") {
    FakeProc proc;
    proc.spawn(10, 10);
    proc.spawn(11, 10);
    proc.spawn(12, 12);
    GroupMembers members(proc);
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 11});
    // 12 exits and its pid goes to a new child of the instance.
    proc.procs.erase(12);
    proc.spawn(12, 10);
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 11, 12});
    // 11 exits, its pid goes to an unrelated process.
    proc.procs.erase(11);
    proc.spawn(11, 11);
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 12});
}

TEST_CASE("group members: a member that exits or leaves the group is no longer counted") {
    FakeProc proc;
    proc.spawn(10, 10);
    proc.spawn(11, 10);
    proc.spawn(12, 10);
    GroupMembers members(proc);
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 11, 12});
    proc.procs.erase(11);      // exits: no pid handed out, so no listing
    proc.procs[12].pgid = 12;  // setsid
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10});
    CHECK(members.listings() == 1);
}

TEST_CASE("group members: processes seen before their group was asked about still count") {
    // The spawner reports a pid after the instance may have forked.
    FakeProc proc;
    proc.spawn(10, 10);
    proc.spawn(11, 10);
    GroupMembers members(proc);
    members.discover({});
    members.discover({10});
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 11});
}

TEST_CASE("group members: without a last pid, /proc is listed every round") {
    FakeProc proc;
    proc.knows_last = false;
    proc.spawn(10, 10);
    GroupMembers members(proc);
    members.discover({10});
    proc.spawn(11, 10);
    members.discover({10});
    CHECK(members.listings() == 2);
    CHECK(pids_of(members.read(10)) == std::vector<int>{10, 11});
}
