// Tail of a log file: pread 64 KiB blocks backwards from the end until enough
// newlines are seen (or the read cap is reached), then cut the lines out.
#include "daemon/logs/log_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/errors.h"

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
    ~FdGuard() { ::close(fd); }
};

// Returns the bytes read: fewer than len only if the file shrank meanwhile.
std::size_t pread_fully(int fd, char* buf, std::size_t len, off_t offset, const std::string& path) {
    std::size_t done = 0;
    while (done < len) {
        ssize_t got = ::pread(fd, buf + done, len - done, offset + static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw_read_error(path);
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

// The bytes at the end of the file (up to end) that hold its last n lines,
// starting at a line boundary.
std::string read_tail_bytes(int fd, std::int64_t end, std::size_t n, std::size_t cap,
                            const std::string& path) {
    std::vector<std::string> blocks;  // newest first
    std::int64_t pos = end;
    std::size_t newlines = 0;
    std::size_t total = 0;
    // n + 1 newlines: the one that ends the line before the first wanted line,
    // plus one per wanted line (the last may lack its own, which is fine).
    while (pos > 0 && newlines <= n && total < cap) {
        std::size_t len = static_cast<std::size_t>(std::min<std::int64_t>(pos, kBlockSize));
        pos -= static_cast<std::int64_t>(len);
        std::string block(len, '\0');
        block.resize(pread_fully(fd, block.data(), len, pos, path));
        newlines += static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'));
        total += len;
        blocks.push_back(std::move(block));
    }
    std::string data;
    data.reserve(total);
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) data += *it;
    if (pos > 0) {
        // Not read from the start of the file: the first line may be partial.
        auto first_nl = data.find('\n');
        data.erase(0, first_nl == std::string::npos ? data.size() : first_nl + 1);
    }
    return data;
}

std::vector<std::string> tail_disk(const std::string& path, std::size_t n, std::int64_t disk_end,
                                   std::size_t cap) {
    // Non-blocking and no link, as the file was opened (log_file_open.h):
    // opening a FIFO to read it could wait for a writer, and reading it
    // would take the lines from its reader; it has no history to show.
    bool device = path.rfind("/dev/", 0) == 0;
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (device ? 0 : O_NOFOLLOW));
    if (fd < 0) {
        if (errno == ENOENT) return {};
        if (errno == ELOOP)
            throw TendError(ErrorCode::kBadRequest,
                            "cannot read log file '" + path + "': it is a symbolic link");
        throw_read_error(path);
    }
    FdGuard guard{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_read_error(path);
    if (!S_ISREG(st.st_mode)) return {};
    std::int64_t end = st.st_size;
    if (disk_end >= 0) end = std::min<std::int64_t>(end, disk_end);
    std::string data = read_tail_bytes(fd, end, n, cap, path);
    std::vector<std::string> lines;
    for (std::string_view line : last_lines(data, n)) lines.emplace_back(line);
    return lines;
}

}  // namespace

std::vector<std::string_view> last_lines(std::string_view text, std::size_t n) {
    std::vector<std::string_view> lines;
    if (n == 0 || text.empty()) return lines;
    std::size_t end = text.size();
    if (text.back() == '\n') --end;  // the final newline ends the last line
    while (lines.size() < n) {
        std::size_t nl = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
        std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
        lines.push_back(text.substr(begin, end - begin));
        if (nl == std::string_view::npos) break;
        end = nl;
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> tail_log(const std::string& path, int n, std::int64_t disk_end,
                                  std::string_view queued_a, std::string_view queued_b,
                                  std::size_t read_cap) {
    if (n <= 0) return {};
    auto want = static_cast<std::size_t>(n);
    auto from_b = last_lines(queued_b, want);
    auto from_a = last_lines(queued_a, want - from_b.size());
    std::size_t rest = want - from_b.size() - from_a.size();
    std::vector<std::string> lines;
    if (rest > 0) lines = tail_disk(path, rest, disk_end, read_cap);
    lines.reserve(lines.size() + from_a.size() + from_b.size());
    for (std::string_view line : from_a) lines.emplace_back(line);
    for (std::string_view line : from_b) lines.emplace_back(line);
    return lines;
}

}  // namespace tend
