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
#include "daemon/logs/log_archives.h"
#include "daemon/logs/log_file_open.h"
#include "daemon/uv/guard.h"

namespace tend {

namespace {

// A congested file stops its readers just past the high watermark: each may
// have appended one read's worth (the read buffer is 256 KiB) before it looks.
constexpr std::size_t kBufferReserve = LogFile::kHighWatermark + (std::size_t{1} << 20);
constexpr std::size_t kSmallBuffer = std::size_t{64} << 10;

std::int64_t file_size(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? static_cast<std::int64_t>(st.st_size) : -1;
}

// The disk has no room for now: hold the lines and try again, never drop.
bool is_space_error(int error) {
    return error == ENOSPC || error == EDQUOT;
}

}  // namespace

// One uv_fs_write; holds the file alive until the threadpool is done with it.
struct LogFile::WriteRequest {
    uv_fs_t req{};
    std::shared_ptr<LogFile> file;
};

std::shared_ptr<LogFile> LogFile::open(uv_loop_t* loop, const std::string& path,
                                       const std::string& home) {
    OpenedLog opened = open_log(path, home);
    if (opened.fd < 0) {
        throw TendError(ErrorCode::kBadRequest,
                        "cannot open log file '" + path + "': " + opened.error);
    }
    auto file = std::make_shared<LogFile>(Passkey{}, loop, path, home, opened.fd);
    file->regular_ = opened.regular;
    file->remote_ = opened.remote;
    if (opened.regular) file->size_ = std::max<std::int64_t>(file_size(opened.fd), 0);
    return file;
}

LogFile::LogFile(Passkey, uv_loop_t* loop, std::string path, std::string home, int fd)
    : loop_(loop),
      path_(std::move(path)),
      home_(std::move(home)),
      fd_(fd),
      marks_(written_before_ns(fd)) {}

LogFile::~LogFile() {
    // A write in flight holds a reference, so no write can still use fd_ here.
    writable_.close();  // libuv forgets the fd before it is closed
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
    marks_.record(appended_, appended_ + a.size() + b.size() + c.size(), uv_hrtime());
    appended_ += a.size() + b.size() + c.size();
    active_ = true;
}

void LogFile::write(std::string_view lines) {
    if (pending_.empty() && writes_in_loop()) {
        marks_.record(appended_, appended_ + lines.size(), uv_hrtime());
        appended_ += lines.size();
        active_ = true;
        std::size_t done = write_now(lines);
        if (done < lines.size()) pending_.assign(lines.substr(done));  // held
        maybe_rotate();
    } else {
        append(lines);
    }
}

void LogFile::flush() {
    if (writing_ || hold_ != Hold::kNone || pending_.empty()) return;
    if (writes_in_loop()) {
        pending_.erase(0, write_now(pending_));
        maybe_rotate();
        after_progress();
        return;
    }
    in_flight_.swap(pending_);
    pending_.clear();
    written_ = 0;
    start_write();
}

bool LogFile::writes_in_loop() const {
    if (writing_ || hold_ != Hold::kNone) return false;
    if (!regular_) return true;  // non-blocking: it never holds the loop
    if (threadpool_only_ || remote_) return false;
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
    size_ = 0;
}

void LogFile::reopen() {
    OpenedLog opened = open_log(path_, home_);
    if (opened.fd < 0) {
        spdlog::error("cannot reopen log file '{}': {}; still writing to the old file", path_,
                      opened.error);
        return;
    }
    // The write in flight finishes on its own descriptor, which write_done()
    // closes; a descriptor no write uses can go now. A wait for the old one
    // to be writable ends: the held lines go to the new one.
    writable_.close();
    if (!writing_ || fd_ != write_fd_) ::close(fd_);
    fd_ = opened.fd;
    regular_ = opened.regular;
    remote_ = opened.remote;
    size_ = opened.regular ? std::max<std::int64_t>(file_size(fd_), 0) : 0;
    if (owner_) give_to(owner_->first, owner_->second);
    if (hold_ == Hold::kWritable) resume();
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
// A regular file only blocks when the disk falls behind, which policy_
// notices; a FIFO, pipe or terminal is non-blocking. Returns the bytes done
// with (written, or dropped on an error other than a full disk); the rest
// is held, and the caller keeps it in pending_.
std::size_t LogFile::write_now(std::string_view data) {
    std::uint64_t start = uv_hrtime();
    std::size_t done = 0;
    bool failing_now = false;
    bool stored_all = false;  // size_ already counts what reached the file
    while (done < data.size()) {
        ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        int error = n < 0 ? errno : 0;
        if (error == EAGAIN || error == EWOULDBLOCK) {
            wait_writable();  // a FIFO or pipe: the rest of a line follows in order
        } else if (is_space_error(error)) {
            done = take_back_torn(data, done, fd_);
            hold_for_space(error);
        } else {
            size_ += static_cast<std::int64_t>(done);
            report_failure(-error);
            dropped_ += data.size() - done;
            done = data.size();
            failing_now = true;
            stored_all = true;
        }
        break;
    }
    if (!stored_all) size_ += static_cast<std::int64_t>(done);
    settled_ += done;
    // Only a whole batch shows the disk takes lines again: on a disk all but
    // full, a write may go part way, then fail.
    if (done == data.size() && hold_ == Hold::kNone && !failing_now) write_succeeded();
    std::uint64_t end = uv_hrtime();
    if (regular_ && policy_.note_write(start, end)) {
        spdlog::warn("log file '{}': a write took {} ms; writing it on the threadpool for {} s",
                     path_, (end - start) / 1'000'000,
                     LogWritePolicy::kSlowPeriodNs / 1'000'000'000);
    }
    return done;
}

// The file must only ever hold whole lines: a line the full disk cut short
// (done bytes of data were written) is taken back off the file's end, to be
// written whole later. Returns how much of data stays written. If the file
// cannot be shortened, the fragment stays and the rest follows it in order.
std::size_t LogFile::take_back_torn(std::string_view data, std::size_t done, int fd) {
    std::size_t newline = data.substr(0, done).rfind('\n');
    std::size_t whole = newline == std::string_view::npos ? 0 : newline + 1;
    auto torn = static_cast<std::int64_t>(done - whole);
    if (torn == 0) return done;
    std::int64_t size = file_size(fd);
    if (size >= torn && ::ftruncate(fd, size - torn) == 0) return whole;
    spdlog::warn("log file '{}': cannot take back a line the full disk cut short: {}", path_,
                 std::strerror(errno));
    return done;
}

// Nothing is dropped for want of space: the lines stay queued (and in the
// apps' pipes, which fill, so the apps block), and the write is tried again
// on a timer that backs off, so a full disk costs no CPU.
void LogFile::hold_for_space(int error) {
    hold_ = Hold::kSpace;
    if (!full_) {
        full_ = true;
        retry_ms_ = kRetryMs;
        spdlog::error("log file '{}' is full ({}); its apps' output is held until space is freed",
                      path_, std::strerror(error));
    }
    arm_retry();
}

// A FIFO, pipe or terminal took nothing more: wait until it is writable. A
// device libuv cannot poll is tried again on the timer instead.
void LogFile::wait_writable() {
    hold_ = Hold::kWritable;
    if (abandoned_ || (!writable_ && writable_.make(uv_poll_init, loop_, this, fd_) != 0)) {
        retry_ms_ = kRetryMs;
        arm_retry();
        return;
    }
    uv_poll_start(writable_.get(), UV_WRITABLE, on_writable);
}

void LogFile::arm_retry() {
    if (!retry_timer_ && retry_timer_.make(uv_timer_init, loop_, this) != 0) return;
    // Once abandoned (shutdown), what is held is dropped on the next turn.
    uv_timer_start(retry_timer_.get(), on_retry, abandoned_ ? 0 : retry_ms_, 0);
    retry_ms_ = std::min(2 * retry_ms_, kMaxRetryMs);
}

void LogFile::on_retry(uv_timer_t* timer) {
    auto* file = static_cast<LogFile*>(timer->data);
    uv::guarded("log file retry", [file] { file->abandoned_ ? file->abandon() : file->resume(); });
}

void LogFile::on_writable(uv_poll_t* poll, int status, int) {
    auto* file = static_cast<LogFile*>(poll->data);
    uv_poll_stop(poll);
    // An error (the reader left) shows in the write that follows.
    (void)status;
    uv::guarded("log file writable", [file] { file->resume(); });
}

// The hold is over (writable, or time to try the disk again): write what
// is held. The file may hold again at once.
void LogFile::resume() {
    if (hold_ == Hold::kNone) return;
    hold_ = Hold::kNone;
    if (writable_) uv_poll_stop(writable_.get());
    if (retry_timer_) uv_timer_stop(retry_timer_.get());
    flush();
}

void LogFile::abandon_after() {
    if (abandon_timer_ || abandon_timer_.make(uv_timer_init, loop_, this) != 0) return;
    uv_timer_start(abandon_timer_.get(), on_abandon, kAbandonMs, 0);
    uv_unref(abandon_timer_.base());  // only what the file holds keeps the loop alive
}

void LogFile::on_abandon(uv_timer_t* timer) {
    auto* file = static_cast<LogFile*>(timer->data);
    uv::guarded("log file abandon", [file] { file->abandon(); });
}

// Drops what the file holds (not a write on the threadpool: that cannot be
// taken back), so every reader waiting for it can close.
void LogFile::abandon() {
    abandoned_ = true;
    if (hold_ == Hold::kNone) return;
    hold_ = Hold::kNone;
    writable_.close();
    retry_timer_.close();
    std::size_t held = pending_.size();
    if (!failing_) {
        // Once: each reader then drops what its pipe still holds, peek by peek.
        failing_ = true;
        dropped_at_failure_ = dropped_;
        spdlog::error("log file '{}': dropping what it could not take within {} s of shutdown",
                      path_, kAbandonMs / 1000);
    }
    dropped_ += held;
    settled_ += held;
    pending_.clear();
    after_progress();
}

// Lines have left memory: wake who waits for them, and for the queue to drain.
void LogFile::after_progress() {
    wake_write_waiters();
    if (queued_bytes() <= kLowWatermark) wake_waiters();
}

void LogFile::write_succeeded() {
    if (full_) {
        full_ = false;
        retry_ms_ = kRetryMs;
        spdlog::warn("log file '{}': space was freed, writing again", path_);
    }
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
    bool no_space = result < 0 && is_space_error(static_cast<int>(-result));
    if (result > 0) {
        written_ += static_cast<std::size_t>(result);
        size_ += result;
        if (written_ < in_flight_.size()) {
            issue_write();  // a short write: the rest goes to the same descriptor
            return;
        }
        write_succeeded();
        settled_ += in_flight_.size();
    } else if (no_space) {
        // What was not written goes back in front of the pending lines.
        std::size_t kept = take_back_torn(in_flight_, written_, write_fd_);
        size_ = std::max<std::int64_t>(file_size(write_fd_), 0);
        settled_ += kept;
        pending_.insert(0, in_flight_, kept);
    } else {
        report_failure(result);
        dropped_ += in_flight_.size() - written_;
        settled_ += in_flight_.size();
    }
    writing_ = false;
    in_flight_.clear();
    written_ = 0;
    if (write_fd_ != fd_) ::close(write_fd_);  // retired by reopen()
    write_fd_ = -1;
    if (no_space) {
        hold_for_space(static_cast<int>(-result));
    } else {
        maybe_rotate();  // between two writes: the archive ends on a whole line
        flush();
    }
    after_progress();
}

void LogFile::report_failure(std::int64_t result) {
    if (failing_) return;
    failing_ = true;
    dropped_at_failure_ = dropped_;
    // A disk that fails (EIO) or a FIFO whose reader left (EPIPE) may never
    // take the lines: dropping keeps the apps running. A full disk holds
    // them instead (hold_for_space()).
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
