// Process groups' members from a /proc listing kept between rounds.
#include "daemon/metrics/group_members.h"

#include <algorithm>
#include <unordered_set>

namespace tend {

void GroupMembers::discover(const std::vector<int>& groups) {
    // No pid handed out since the last listing: no process is new. A
    // source that cannot tell is listed every time.
    std::optional<int> last = proc_.last_pid();
    if (!listed_ || !last || last != last_pid_) {
        last_pid_ = last;
        list_again();
    }
    index(groups);
}

void GroupMembers::list_again() {
    if (!proc_.list(scratch_)) return;
    ++listings_;
    listed_ = true;
    std::vector<Known> next;
    next.reserve(scratch_.size());
    auto old = known_.begin();
    for (const ProcEntry& e : scratch_) {
        while (old != known_.end() && old->pid < e.pid) ++old;
        // Known already: the same pid with the same inode is the same process.
        if (old != known_.end() && old->pid == e.pid && e.inode != 0 && old->inode == e.inode) {
            next.push_back(*old);
            continue;
        }
        ++probes_;
        auto stat = proc_.stat(e.pid);
        if (!stat) continue;  // exited since the listing
        next.push_back(Known{e.pid, e.inode, stat->pgid});
    }
    known_.swap(next);
    stale_ = true;
}

void GroupMembers::index(const std::vector<int>& groups) {
    std::vector<int> sorted = groups;
    std::sort(sorted.begin(), sorted.end());
    if (!stale_ && sorted == indexed_groups_) return;
    indexed_groups_ = std::move(sorted);
    members_.clear();
    std::unordered_set<int> wanted(indexed_groups_.begin(), indexed_groups_.end());
    for (const Known& k : known_)
        if (k.pid != k.pgid && wanted.count(k.pgid)) members_[k.pgid].push_back(k.pid);
    stale_ = false;
}

GroupMembers::Known* GroupMembers::known(int pid) {
    auto it = std::lower_bound(known_.begin(), known_.end(), pid,
                               [](const Known& k, int p) { return k.pid < p; });
    return it != known_.end() && it->pid == pid ? &*it : nullptr;
}

std::vector<ProcStat> GroupMembers::read(int leader) {
    std::vector<ProcStat> out;
    if (auto stat = proc_.stat(leader); stat && stat->pgid == leader) out.push_back(*stat);
    auto it = members_.find(leader);
    if (it == members_.end()) return out;
    std::vector<int>& pids = it->second;
    // A member that exited or moved to another group is dropped, here and
    // from what the next index is built from.
    auto gone = std::remove_if(pids.begin(), pids.end(), [&](int pid) {
        auto stat = proc_.stat(pid);
        if (stat && stat->pgid == leader) {
            out.push_back(*stat);
            return false;
        }
        if (Known* k = known(pid)) k->pgid = stat ? stat->pgid : 0;
        if (stat) stale_ = true;  // it may have joined another group asked about
        return true;
    });
    pids.erase(gone, pids.end());
    return out;
}

}  // namespace tend
