// Where the metrics read processes from: /proc on Linux, a fake in tests.
// What it lists is only read for processes it has not seen before
// (group_members.h), so the interface says what identifies one.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/metrics/proc_stat.h"

namespace tend {

// One directory of /proc: a pid and its directory's inode. A new process
// gets a new inode even when it reuses a pid, so (pid, inode) tells a
// process not read before from one already known without reading it.
struct ProcEntry {
    int pid = 0;
    std::uint32_t inode = 0;  // 0: unknown, always read
};

class ProcSource {
  public:
    virtual ~ProcSource() = default;
    // The last pid the kernel handed out (/proc/loadavg's last field): when
    // it has not moved, no process was created since. nullopt: unknown.
    virtual std::optional<int> last_pid() = 0;
    // Every process listed now, by ascending pid; false when unreadable.
    virtual bool list(std::vector<ProcEntry>& out) = 0;
    // One process's stat; nullopt when it is gone.
    virtual std::optional<ProcStat> stat(int pid) = 0;
};

// The real /proc.
class SystemProc final : public ProcSource {
  public:
    std::optional<int> last_pid() override;
    bool list(std::vector<ProcEntry>& out) override;
    std::optional<ProcStat> stat(int pid) override { return read_proc_stat(pid); }
};

}  // namespace tend
