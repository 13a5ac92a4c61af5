// Where a log file is written: in the loop while the disk keeps up, on the
// threadpool for a while after a write in the loop stalled. Pure: the caller
// passes the times (uv_hrtime()), so tests need no slow disk.
#pragma once

#include <cstdint>

namespace tend {

class LogWritePolicy {
  public:
    // A write in the loop slower than this sends the file's writes to the
    // threadpool for kSlowPeriodNs: the loop serves every app and the control
    // socket, so a disk that stalls (dirty-page throttling, a network disk)
    // must not hold it again soon.
    static constexpr std::uint64_t kSlowWriteNs = 50'000'000;
    static constexpr std::uint64_t kSlowPeriodNs = 30'000'000'000;

    bool in_loop(std::uint64_t now) const { return now >= slow_until_; }

    // Records a write in the loop; true when it starts a slow period (worth
    // telling the user), false when it was quick or the period was running.
    bool note_write(std::uint64_t start, std::uint64_t end) {
        if (end - start < kSlowWriteNs) return false;
        bool starts = slow_until_ <= end;
        slow_until_ = end + kSlowPeriodNs;
        return starts;
    }

  private:
    std::uint64_t slow_until_ = 0;
};

}  // namespace tend
