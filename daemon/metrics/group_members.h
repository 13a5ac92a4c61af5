// The live processes of the process groups tend runs, found without reading
// every process on the machine each round. Each process is read once, when
// it first appears in /proc, to learn its group; after that only the
// members of tend's groups are read. And /proc is listed again only when
// the kernel has created a process since the last listing.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "daemon/metrics/proc_source.h"

namespace tend {

class GroupMembers {
  public:
    explicit GroupMembers(ProcSource& proc) : proc_(proc) {}

    // Notes the group of every process created since the last call;
    // groups are the ones asked about next (each an instance's leader pid).
    void discover(const std::vector<int>& groups);
    // The live members of leader's group, read now: the leader first (when
    // alive), then every process of its group however deep it was forked,
    // a child whose parent has exited included.
    std::vector<ProcStat> read(int leader);

    // How many processes were read for their group alone (tests, figures).
    std::uint64_t probes() const { return probes_; }
    std::uint64_t listings() const { return listings_; }

  private:
    struct Known {
        int pid = 0;
        std::uint32_t inode = 0;
        int pgid = 0;  // 0: gone, or left for a group nobody asks about
    };
    void list_again();
    void index(const std::vector<int>& groups);
    Known* known(int pid);

    ProcSource& proc_;
    std::optional<int> last_pid_;
    bool listed_ = false;
    std::vector<Known> known_;  // every process at the last listing, by pid
    std::vector<ProcEntry> scratch_;
    // The members of the groups asked about, leaders left out.
    std::unordered_map<int, std::vector<int>> members_;
    std::vector<int> indexed_groups_;
    bool stale_ = true;  // members_ needs rebuilding from known_
    std::uint64_t probes_ = 0;
    std::uint64_t listings_ = 0;
};

}  // namespace tend
