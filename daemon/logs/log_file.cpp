// A log file's writes: straight from the caller's buffer in the loop while
// the disk is quick; else a double-buffered queue, where new lines gather in
// `pending_` while one write runs on the threadpool, and when it completes
// the buffers swap and the pending lines go out as the next write.
#include "daemon/logs/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "daemon/uv/guard.h"

namespace tend {

namespace {

constexpr int kOpenFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
constexpr mode_t kFileMode = 0640;
// A congested file stops its readers just past the high watermark: each may
// have appended one read's worth (the read buffer is 256 KiB) before it looks.
constexpr std::size_t kBufferReserve = LogFile::kHighWatermark + (std::size_t{1} << 20);
constexpr std::size_t kSmallBuffer = std::size_t{64} << 10;

// Opens path for appending after creating its directory; returns the fd or
// the error text.
int open_for_append(const std::string& path, std::string& error) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
        error = ec.message();
        return -1;
    }
    int fd = ::open(path.c_str(), kOpenFlags, kFileMode);
    if (fd < 0) error = std::strerror(errno);
    return fd;
}

bool is_regular(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

std::int64_t file_size(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? static_cast<std::int64_t>(st.st_size) : -1;
}

}  // namespace

// One uv_fs_write; holds the file alive until the threadpool is done with it.
struct LogFile::WriteRequest {
    uv_fs_t req{};
    std::shared_ptr<LogFile> file;
};

std::shared_ptr<LogFile> LogFile::open(uv_loop_t* loop, const std::string& path) {
    std::string error;
    int fd = open_for_append(path, error);
    if (fd < 0) {
        throw TendError(ErrorCode::kBadRequest, "cannot open log file '" + path + "': " + error);
    }
    return std::make_shared<LogFile>(Passkey{}, loop, path, fd);
}

LogFile::LogFile(Passkey, uv_loop_t* loop, std::string path, int fd)
    : loop_(loop), path_(std::move(path)), fd_(fd), regular_(is_regular(fd)) {}

LogFile::~LogFile() {
    // A write in flight holds a reference, so no write can still use fd_ here.
    ::close(fd_);
}

void LogFile::append(std::string_view a, std::string_view b, std::string_view c) {
    std::size_t needed = pending_.size() + a.size() + b.size() + c.size();
    if (needed > pending_.capacity()) {
        // A quiet file's buffer grows by doubling; a busy one's goes straight
        // to the size a congested file can reach, so it is never copied again.
        // Only the pages actually filled become resident.
        std::size_t grown = needed <= kSmallBuffer ? 2 * pending_.capacity() : kBufferReserve;
        pending_.reserve(std::max(needed, grown));
    }
    pending_.append(a).append(b).append(c);
    appended_ += a.size() + b.size() + c.size();
    active_ = true;
}

void LogFile::write(std::string_view lines) {
    if (pending_.empty() && writes_in_loop()) {
        appended_ += lines.size();
        write_now(lines);
    } else {
        append(lines);
    }
}

void LogFile::flush() {
    if (writing_ || pending_.empty()) return;
    if (writes_in_loop()) {
        write_now(pending_);
        pending_.clear();
        wake_write_waiters();
        return;
    }
    in_flight_.swap(pending_);
    pending_.clear();
    written_ = 0;
    start_write();
}

bool LogFile::writes_in_loop() const {
    if (writing_ || threadpool_only_ || !regular_) return false;
    return policy_.in_loop(uv_hrtime());
}

void LogFile::wait_for_drain(DrainWaiter* waiter) {
    if (std::find(waiters_.begin(), waiters_.end(), waiter) == waiters_.end()) {
        waiters_.push_back(waiter);
    }
}

void LogFile::cancel_wait(DrainWaiter* waiter) {
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
}

void LogFile::wait_for_write(WriteWaiter* waiter, std::uint64_t mark) {
    cancel_write_wait(waiter);
    write_waiters_.emplace_back(waiter, mark);
}

void LogFile::cancel_write_wait(WriteWaiter* waiter) {
    std::erase_if(write_waiters_, [waiter](const auto& w) { return w.first == waiter; });
}

LogFile::Queued LogFile::queued() const {
    Queued q;
    if (writing_) {
        q.disk_end = disk_end_ < 0 ? -1 : disk_end_ + static_cast<std::int64_t>(written_);
        q.in_flight = std::string_view(in_flight_).substr(written_);
    }
    q.pending = pending_;
    return q;
}

void LogFile::truncate() {
    // A write in flight may land before or after this; what is still queued
    // in memory is written afterwards.
    if (::ftruncate(fd_, 0) != 0) {
        throw TendError(ErrorCode::kBadRequest,
                        "cannot truncate log file '" + path_ + "': " + std::strerror(errno));
    }
    if (writing_) disk_end_ = 0;
}

void LogFile::reopen() {
    std::string error;
    int fd = open_for_append(path_, error);
    if (fd < 0) {
        spdlog::error("cannot reopen log file '{}': {}; still writing to the old file", path_,
                      error);
        return;
    }
    // The write in flight finishes on its own descriptor, which write_done()
    // closes; a descriptor no write uses can go now.
    if (!writing_ || fd_ != write_fd_) ::close(fd_);
    fd_ = fd;
    regular_ = is_regular(fd);
    if (owner_) give_to(owner_->first, owner_->second);
}

void LogFile::give_to(uid_t uid, gid_t gid) {
    owner_ = {uid, gid};
    if (regular_ && ::fchown(fd_, uid, gid) != 0)
        spdlog::warn("cannot give log file '{}' to uid {}: {}", path_, uid, std::strerror(errno));
}

std::size_t LogFile::release_if_idle() {
    if (writing_ || !pending_.empty()) return 0;
    if (active_) {
        active_ = false;
        return 0;
    }
    std::size_t freed = in_flight_.capacity() + pending_.capacity();
    if (freed <= 2 * std::string().capacity()) return 0;
    std::string().swap(in_flight_);
    std::string().swap(pending_);
    return freed;
}

// On the 2-core target a write in the loop, from the buffer the pipe was read
// into, more than doubled one loud app's capture against the threadpool queue
// (docs/architecture.md, Logs): one copy less and no thread waking another.
// A regular file only blocks when the disk falls behind, which policy_ notices.
void LogFile::write_now(std::string_view data) {
    std::uint64_t start = uv_hrtime();
    std::size_t size = data.size();
    active_ = true;
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            report_failure(n < 0 ? -errno : 0);
            dropped_ += data.size();
            break;
        }
        write_succeeded();
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    settled_ += size;
    std::uint64_t end = uv_hrtime();
    if (policy_.note_write(start, end)) {
        spdlog::warn("log file '{}': a write took {} ms; writing it on the threadpool for {} s",
                     path_, (end - start) / 1'000'000,
                     LogWritePolicy::kSlowPeriodNs / 1'000'000'000);
    }
}

void LogFile::write_succeeded() {
    if (!failing_) return;
    spdlog::warn("log file '{}': writing again after dropping {} bytes", path_,
                 dropped_ - dropped_at_failure_);
    failing_ = false;
}

void LogFile::start_write() {
    writing_ = true;
    write_fd_ = fd_;
    disk_end_ = file_size(write_fd_);
    issue_write();
}

void LogFile::issue_write() {
    auto* request = new WriteRequest;
    request->file = shared_from_this();
    request->req.data = request;
    // Writes are well under 4 GiB: the queue is bounded by the watermarks.
    uv_buf_t buf = uv_buf_init(in_flight_.data() + written_,
                               static_cast<unsigned>(in_flight_.size() - written_));
    int rc = uv_fs_write(loop_, &request->req, write_fd_, &buf, 1, -1, on_write);
    if (rc < 0) {
        // Only invalid arguments fail here; treat it as a failed write.
        std::shared_ptr<LogFile> self = std::move(request->file);
        delete request;
        self->write_done(rc);
    }
}

void LogFile::on_write(uv_fs_t* req) {
    auto* request = static_cast<WriteRequest*>(req->data);
    std::int64_t result = req->result;
    uv_fs_req_cleanup(req);
    // The file may have no other owner left: keep it alive for write_done().
    std::shared_ptr<LogFile> self = std::move(request->file);
    delete request;
    uv::guarded("log file write", [&] { self->write_done(result); });
}

void LogFile::write_done(std::int64_t result) {
    if (result > 0) {
        written_ += static_cast<std::size_t>(result);
        write_succeeded();
        if (written_ < in_flight_.size()) {
            issue_write();  // a short write: the rest goes to the same descriptor
            return;
        }
    } else {
        report_failure(result);
        dropped_ += in_flight_.size() - written_;
    }
    settled_ += in_flight_.size();
    writing_ = false;
    in_flight_.clear();
    written_ = 0;
    if (write_fd_ != fd_) ::close(write_fd_);  // retired by reopen()
    write_fd_ = -1;
    flush();
    wake_write_waiters();
    if (queued_bytes() <= kLowWatermark) wake_waiters();
}

void LogFile::report_failure(std::int64_t result) {
    if (failing_) return;
    failing_ = true;
    dropped_at_failure_ = dropped_;
    // Dropping keeps memory bounded and the apps running while the disk is
    // full; holding the lines would only stall every app writing here.
    const char* reason = result < 0 ? uv_strerror(static_cast<int>(result)) : "nothing written";
    spdlog::error("cannot write log file '{}': {}; dropping its output until writes succeed", path_,
                  reason);
}

// Wakes the write waiters whose bytes have all left memory. Called only
// where the queue is consistent (never inside write_now(pending_)): a woken
// reader consumes its lines and may peek and write again at once, so the
// waiters are taken off the list first.
void LogFile::wake_write_waiters() {
    if (write_waiters_.empty()) return;
    std::vector<WriteWaiter*> ready;
    std::erase_if(write_waiters_, [&](const auto& w) {
        if (w.second > settled_) return false;
        ready.push_back(w.first);
        return true;
    });
    for (WriteWaiter* waiter : ready) waiter->on_written();
}

void LogFile::wake_waiters() {
    if (waiters_.empty()) return;
    std::vector<DrainWaiter*> waiters;
    waiters.swap(waiters_);
    for (DrainWaiter* waiter : waiters) waiter->on_drained();
}

}  // namespace tend
