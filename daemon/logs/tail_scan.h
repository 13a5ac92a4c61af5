// One log's history for `tend logs`, read newest first until enough lines
// match: what is still queued in memory, the live file (backwards, in
// blocks), then its archives (newest first, plain or gzip). Each line gets
// its capture time when the file's write marks know it, so the handler can
// put an instance's stdout and stderr back in the order they were written.
// The bytes read are charged to a budget shared by every file of one
// request: however large the files, one request does bounded work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

class LineGrep;
class WriteMarks;

// Reads at most this much for one tail, by default.
inline constexpr std::size_t kTailReadCap = std::size_t{64} << 20;

// A gzip archive costs this many times its size on disk, or what its trailer
// says it decompresses to if more: it is read whole to reach its end.
inline constexpr std::size_t kCompressedCostFactor = 8;

// The live file as its writer sees it (all empty when no writer has it open).
struct LiveLog {
    std::int64_t disk_end = -1;  // file size the queued bytes follow; -1: the whole file
    std::string_view in_flight;  // queued, in order
    std::string_view pending;
    const WriteMarks* marks = nullptr;
    std::uint64_t logical_end = 0;  // logical write position just past pending
};

struct TailQuery {
    std::size_t lines = 15;                // matching lines wanted
    const LineGrep* grep = nullptr;        // null: every line matches
    std::optional<std::int64_t> since_ns;  // uv_hrtime clock: older lines are left out
    // uv_hrtime minus the wall clock, in ns: turns a file's mtime into the
    // marks' clock.
    std::int64_t wall_to_hr_ns = 0;
    bool archives = true;
};

struct TailLine {
    std::string text;                      // without its '\n'
    std::optional<std::uint64_t> time_ns;  // capture time (uv_hrtime), when known
};

// At most query.lines matching lines of the log at path, oldest first.
// Budget: bytes left to read (decremented). A missing file reads as empty;
// other errors throw TendError(kBadRequest) "cannot read log file '<p>': ...".
std::vector<TailLine> scan_tail(const std::string& path, const LiveLog& live,
                                const TailQuery& query, std::size_t& budget);

}  // namespace tend
