// Write marks: a sorted vector of batch ends, coarsened from the old end.
#include "daemon/logs/write_marks.h"

#include <sys/stat.h>
#include <uv.h>

#include <algorithm>
#include <chrono>

namespace tend {

void WriteMarks::record(std::uint64_t begin, std::uint64_t end, std::uint64_t now_ns) {
    if (end <= begin) return;
    if (marks_.empty()) {
        marks_.reserve(kCapacity);
        begin_ = begin;
        marks_.push_back({end, now_ns});
        return;
    }
    Mark& last = marks_.back();
    if (end <= last.end) return;  // positions only grow; ignore a stale batch
    if (begin == last.end && now_ns - last.time_ns < kJoinNs) {
        last.end = end;
        return;
    }
    if (marks_.size() == kCapacity) coarsen();
    marks_.push_back({end, now_ns});
}

// Merges neighbours pairwise in the older half: a quarter of the ring comes
// free, the newest half keeps its precision, and repeated halving makes
// the oldest marks exponentially coarser. O(kCapacity) once per
// kCapacity / 4 batches.
void WriteMarks::coarsen() {
    std::size_t half = marks_.size() / 2;
    std::size_t out = 0;
    std::size_t i = 0;
    for (; i + 1 < half; i += 2) marks_[out++] = Mark{marks_[i + 1].end, marks_[i].time_ns};
    for (; i < marks_.size(); ++i) marks_[out++] = marks_[i];
    marks_.resize(out);
}

void WriteMarks::on_new_file(std::uint64_t now_ns) {
    marks_.clear();
    begin_ = 0;
    opened_ns_ = now_ns;
}

std::optional<std::uint64_t> WriteMarks::time_at(std::uint64_t pos) const {
    if (marks_.empty() || pos < begin_ || pos >= marks_.back().end) return std::nullopt;
    auto it = std::upper_bound(marks_.begin(), marks_.end(), pos,
                               [](std::uint64_t p, const Mark& m) { return p < m.end; });
    return it->time_ns;
}

std::uint64_t written_before_ns(int fd) {
    std::uint64_t now = uv_hrtime();
    struct stat st {};
    if (::fstat(fd, &st) != 0) return now;
    using namespace std::chrono;
    std::int64_t wall = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
    std::int64_t mtime =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    std::int64_t age = wall - mtime;
    if (age <= 0) return now;
    return static_cast<std::uint64_t>(age) >= now ? 0 : now - static_cast<std::uint64_t>(age);
}

}  // namespace tend
