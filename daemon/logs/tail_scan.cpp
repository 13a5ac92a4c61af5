// The history scan: lines newest first from each source in turn (queued in
// memory, the live file read backwards, the archives), each offered to a
// collector that applies --since and --grep and stops once it has enough.
#include "daemon/logs/tail_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/errors.h"
#include "daemon/logs/line_grep.h"
#include "daemon/logs/log_archives.h"
#include "daemon/logs/write_marks.h"

namespace tend {
namespace {

constexpr std::size_t kBlockSize = std::size_t{64} << 10;

[[noreturn]] void throw_read_error(const std::string& path) {
    throw TendError(ErrorCode::kBadRequest,
                    "cannot read log file '" + path + "': " + std::strerror(errno));
}

// Closes a descriptor when the scope ends.
struct FdGuard {
    int fd;
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

// Takes the lines it is offered (newest first) until it has enough, or
// until one is older than --since: every line after it is older still.
class Collector {
  public:
    explicit Collector(const TailQuery& query) : query_(query) {}

    // False once the scan should stop. time: the line's capture time, when
    // known; else written_before: a time the line is known to predate.
    bool offer(std::string_view text, std::optional<std::uint64_t> time,
               std::int64_t written_before) {
        if (query_.since_ns) {
            std::int64_t at = time ? static_cast<std::int64_t>(*time) : written_before;
            if (at < *query_.since_ns) return stop();
        }
        if (query_.grep && !query_.grep->matches(text)) return true;
        lines_.push_back(TailLine{std::string(text), time});
        return lines_.size() < query_.lines || stop();
    }

    bool done() const { return done_; }

    std::vector<TailLine> take() {
        std::reverse(lines_.begin(), lines_.end());
        return std::move(lines_);
    }

  private:
    bool stop() {
        done_ = true;
        return false;
    }

    const TailQuery& query_;
    std::vector<TailLine> lines_;  // newest first
    bool done_ = false;
};

// The lines of a file before a given end, last first, read backwards in
// blocks that grow with a long line (so each byte is copied a bounded number
// of times); every byte read is charged to the budget.
class ReverseLines {
  public:
    ReverseLines(int fd, std::int64_t end, std::size_t& budget, const std::string& path)
        : fd_(fd), start_(end), budget_(budget), path_(path) {}

    // The previous whole line and its offset in the file; false at the
    // start of the file, or when the budget ran out inside a line.
    bool prev(std::string_view& line, std::int64_t& offset) {
        for (;;) {
            if (end_ == 0 && start_ == 0) return false;
            std::size_t line_end = end_ > 0 && data_[end_ - 1] == '\n' ? end_ - 1 : end_;
            std::size_t nl = line_end == 0 ? std::string::npos : data_.rfind('\n', line_end - 1);
            if (nl != std::string::npos || start_ == 0) {
                std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
                line = std::string_view(data_).substr(begin, line_end - begin);
                offset = start_ + static_cast<std::int64_t>(begin);
                end_ = begin;
                return true;
            }
            if (!read_more()) return false;
        }
    }

  private:
    bool read_more() {
        std::size_t want = std::min<std::size_t>(std::max(kBlockSize, end_), budget_);
        want = static_cast<std::size_t>(
            std::min<std::int64_t>(start_, static_cast<std::int64_t>(want)));
        if (want == 0) return false;
        std::string block(want + end_, '\0');
        std::int64_t from = start_ - static_cast<std::int64_t>(want);
        std::size_t got = 0;
        while (got < want) {
            ssize_t n =
                ::pread(fd_, block.data() + got, want - got, from + static_cast<off_t>(got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_read_error(path_);
            if (n == 0) return false;  // the file shrank (`tend flush`): stop here
            got += static_cast<std::size_t>(n);
        }
        std::memcpy(block.data() + want, data_.data(), end_);
        data_ = std::move(block);
        budget_ -= want;
        start_ = from;
        end_ += want;
        return true;
    }

    int fd_;
    std::int64_t start_;  // file offset of data_[0]
    std::string data_;
    std::size_t end_ = 0;  // data_[0, end_) is not returned yet
    std::size_t& budget_;
    const std::string& path_;
};

// Offers the whole lines of text (queued bytes) newest first; base is the
// logical position of text[0]. False once the collector stopped.
// Charges each line offered to the budget when charge is set.
bool offer_queued(std::string_view text, std::uint64_t base, const LiveLog& live,
                  std::int64_t before, std::size_t& budget, bool charge, Collector& out) {
    std::size_t end = text.size();
    while (end > 0) {
        std::size_t line_end = text[end - 1] == '\n' ? end - 1 : end;
        std::size_t nl = line_end == 0 ? std::string_view::npos : text.rfind('\n', line_end - 1);
        std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
        std::optional<std::uint64_t> time;
        if (live.marks) time = live.marks->time_at(base + begin);
        std::string_view line = text.substr(begin, line_end - begin);
        if (charge) budget -= std::min(budget, line.size() + 1);
        if (!out.offer(line, time, before) || budget == 0) return false;
        end = begin;
    }
    return true;
}

// Opens a log to read it: non-blocking and following no link, as it was
// opened to write (log_file_open.h). -1 when it does not exist.
int open_log_for_reading(const std::string& path) {
    bool device = path.rfind("/dev/", 0) == 0;
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (device ? 0 : O_NOFOLLOW));
    if (fd >= 0) return fd;
    if (errno == ENOENT) return -1;
    if (errno == ELOOP)
        throw TendError(ErrorCode::kBadRequest,
                        "cannot read log file '" + path + "': it is a symbolic link");
    throw_read_error(path);
}

// Offers the lines of a plain file up to end, newest first. disk_end_pos:
// the logical position of end, when the live file's writer knows it.
bool offer_file(int fd, std::int64_t end, std::optional<std::uint64_t> logical_end,
                const WriteMarks* marks, std::int64_t before, std::size_t& budget,
                const std::string& path, Collector& out) {
    ReverseLines lines(fd, end, budget, path);
    std::string_view line;
    std::int64_t offset = 0;
    while (lines.prev(line, offset)) {
        std::optional<std::uint64_t> time;
        auto back = static_cast<std::uint64_t>(end - offset);
        if (marks && logical_end && *logical_end >= back)
            time = marks->time_at(*logical_end - back);
        if (!out.offer(line, time, before)) return false;
    }
    return budget > 0;
}

// What a gzip archive decompresses to, from its trailer (ISIZE: the size
// mod 2^32 of its last member); 0 when unreadable. Reading a whole archive
// to reach its end costs that much work: with the cost at least 8x the file
// size, an archive under the 32 MiB budget is under 4 MiB, which cannot
// decompress to 4 GiB (gzip's best ratio is about 1032:1), so ISIZE has not
// wrapped for any archive the budget would let through.
std::size_t gzip_size(const std::string& path, off_t file_size) {
    if (file_size < 4) return 0;
    FdGuard fd{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)};
    unsigned char trailer[4];
    if (fd.fd < 0 || ::pread(fd.fd, trailer, 4, file_size - 4) != 4) return 0;
    return std::size_t{trailer[0]} | std::size_t{trailer[1]} << 8 | std::size_t{trailer[2]} << 16 |
           std::size_t{trailer[3]} << 24;
}

// The archives after the live file: each predates its own mtime.
void offer_archives(const std::string& live, const TailQuery& query, std::size_t& budget,
                    Collector& out) {
    for (const std::string& archive : list_log_archives(live)) {
        struct stat st {};
        if (::stat(archive.c_str(), &st) != 0) continue;  // removed meanwhile
        std::int64_t before = file_mtime_ns(st) + query.wall_to_hr_ns;
        if (query.since_ns && before < *query.since_ns) return;
        if (is_compressed_archive(archive)) {
            std::size_t cost =
                std::max(static_cast<std::size_t>(st.st_size) * kCompressedCostFactor,
                         gzip_size(archive, st.st_size));
            if (cost > budget) return;
            std::size_t cap = budget;
            std::string text = read_log_archive(archive, cap);
            budget -= std::min(budget, std::max(cost, text.size()));
            // Cut at the cap: the first line may be partial.
            if (text.size() >= cap) text.erase(0, std::min(text.size(), text.find('\n') + 1));
            LiveLog none;
            if (!offer_queued(text, 0, none, before, budget, false, out)) return;
            continue;
        }
        FdGuard fd{open_log_for_reading(archive)};
        if (fd.fd < 0) continue;
        if (!offer_file(fd.fd, st.st_size, std::nullopt, nullptr, before, budget, archive, out))
            return;
    }
}

}  // namespace

std::vector<TailLine> scan_tail(const std::string& path, const LiveLog& live,
                                const TailQuery& query, std::size_t& budget) {
    Collector out(query);
    if (query.lines == 0 || budget == 0) return {};
    // Lines no mark covers were written before this daemon opened the file.
    std::int64_t opened = live.marks ? static_cast<std::int64_t>(live.marks->opened_ns()) : 0;
    std::uint64_t pending_base = live.logical_end - live.pending.size();
    std::uint64_t in_flight_base = pending_base - live.in_flight.size();
    if (!offer_queued(live.pending, pending_base, live, opened, budget, true, out))
        return out.take();
    if (!offer_queued(live.in_flight, in_flight_base, live, opened, budget, true, out))
        return out.take();
    FdGuard fd{open_log_for_reading(path)};
    if (fd.fd < 0) return out.take();
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) throw_read_error(path);
    // A FIFO or terminal has no history: reading it would take its reader's lines.
    if (!S_ISREG(st.st_mode)) return out.take();
    std::int64_t end = st.st_size;
    if (live.disk_end >= 0) end = std::min<std::int64_t>(end, live.disk_end);
    // Without a writer (the app is stopped) the file's mtime bounds its lines.
    std::int64_t before = live.marks ? opened : file_mtime_ns(st) + query.wall_to_hr_ns;
    std::optional<std::uint64_t> logical_end;
    if (live.marks) logical_end = in_flight_base;
    if (!offer_file(fd.fd, end, logical_end, live.marks, before, budget, path, out))
        return out.take();
    if (query.archives) offer_archives(path, query, budget, out);
    return out.take();
}

}  // namespace tend
