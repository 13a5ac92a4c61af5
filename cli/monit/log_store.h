// The dashboard's log lines: a ring per instance, so switching the selected
// instance or the scope shows history at once without asking the daemon,
// and a merged view across instances in arrival order.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "common/messages.h"

namespace tend {

// Lines kept per instance.
inline constexpr std::size_t kLogLinesPerInstance = 500;

// LogLine::stream of a notice that lines were skipped (by the daemon's rate
// cap or a full socket) rather than of a line the app wrote.
inline constexpr const char* kMissedStream = "missed";

struct LogEntry {
    std::uint64_t seq = 0;  // arrival order across every instance
    LogLine line;
};

class LogStore {
  public:
    explicit LogStore(std::size_t per_instance = kLogLinesPerInstance);

    // Appends a line to its instance's ring, dropping that ring's oldest.
    void add(LogLine line);
    // Drops the lines of an instance that no longer exists.
    void forget(int id);
    void clear();

    // Lines in scope: one instance's, or every instance's with nullopt.
    std::size_t count(std::optional<int> id) const;

    // Up to rows entries of the scope, oldest first, the last of them `back`
    // entries before the newest (back 0 = the newest lines).
    std::vector<const LogEntry*> window(std::optional<int> id, std::size_t rows,
                                        std::size_t back) const;

  private:
    std::vector<const LogEntry*> merged_window(std::size_t rows, std::size_t back) const;

    std::size_t per_instance_;
    std::uint64_t next_seq_ = 0;
    std::map<int, std::deque<LogEntry>> rings_;
};

}  // namespace tend
