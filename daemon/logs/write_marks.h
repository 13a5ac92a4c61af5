// When a log file's bytes were captured: a small bounded record of "write
// marks" (the logical write position at the end of a batch, and the
// uv_hrtime of its capture), so `tend logs` can put an instance's stdout and
// stderr lines back in the order they were written, and `--since` can tell
// a line's age. A batch is one stream's lines handed to the file at once.
//
// Positions are logical: bytes ever handed to the LogFile (its
// write_mark()), not offsets in the file on disk; the tail maps one to the
// other from the file's current end. Memory is bounded: when the ring is
// full, the older half's neighbours are merged, so recent lines keep their
// own times and older ones share coarser ones (kCapacity marks, 16 bytes
// each: 4 KiB per file at most).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tend {

class WriteMarks {
  public:
    static constexpr std::size_t kCapacity = 256;
    // Batches of one file this close in time, back to back, share a mark:
    // lines cut one by one (timestamps, followers) are appended a few
    // hundred ns apart and would fill the ring at once. It must stay below
    // the shortest time in which another stream's line can be captured in
    // between (an app's write, the loop waking for it, a read: several us
    // at least), or lines of one stream would borrow an earlier time than a
    // line of the other captured between them.
    static constexpr std::uint64_t kJoinNs = 2'000;

    // opened_ns (uv_hrtime): lines before the first mark were written
    // before then (see written_before_ns).
    explicit WriteMarks(std::uint64_t opened_ns = 0) : opened_ns_(opened_ns) {}

    // The bytes [begin, end) were captured at now_ns (uv_hrtime).
    void record(std::uint64_t begin, std::uint64_t end, std::uint64_t now_ns);

    // The live file was renamed (rotation) or emptied and a new one opened
    // at now_ns: the marks of the old file go, and lines before the first
    // new mark count as written before now_ns.
    void on_new_file(std::uint64_t now_ns);

    // When the byte at logical position pos was captured; nullopt when no
    // mark covers it (it was written before the file was opened).
    std::optional<std::uint64_t> time_at(std::uint64_t pos) const;

    // A time every line before the first mark predates.
    std::uint64_t opened_ns() const { return opened_ns_; }
    std::size_t size() const { return marks_.size(); }

  private:
    struct Mark {
        std::uint64_t end;      // logical position just past the batch
        std::uint64_t time_ns;  // capture time of its first byte
    };

    void coarsen();

    std::vector<Mark> marks_;  // ascending end; the first covers [begin_, end)
    std::uint64_t begin_ = 0;
    std::uint64_t opened_ns_ = 0;
};

// For a file just opened: the time of its last change before now (its
// mtime) in uv_hrtime's clock, or now when that is later or unknown. What
// the file already holds was written before then.
std::uint64_t written_before_ns(int fd);

}  // namespace tend
