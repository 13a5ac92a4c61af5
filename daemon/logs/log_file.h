// One open log file and its write queue. Whole lines go to a local regular
// file with a plain write() on the loop while the disk keeps up; otherwise
// (a slow disk, a network file system) they are queued in memory for at
// most one uv_fs_write at a time on libuv's threadpool. A FIFO, pipe or
// terminal is written on the loop without blocking: when it takes nothing
// more, the file waits until it is writable. A full disk (ENOSPC, EDQUOT)
// drops nothing: the file holds what it could not write and tries again
// after 100 ms, doubling to 1 s. A file that falls behind says it is
// congested; the readers feeding it pause and are woken once it has
// drained. Every byte handed to the file gets a position (write_mark()), so
// a reader can wait until its lines have left the daemon's memory before it
// consumes them: while the file holds them, they stay in the app's pipe.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log_rotation.h"
#include "daemon/logs/log_archives.h"
#include "daemon/logs/log_write_policy.h"
#include "daemon/logs/write_marks.h"
#include "daemon/uv/handle.h"

namespace tend {

class LogArchiver;  // daemon/logs/log_archiver.h

// Something that paused because a file was congested (a PipeReader).
class DrainWaiter {
  public:
    virtual void on_drained() = 0;

  protected:
    ~DrainWaiter() = default;
};

// Something waiting until given bytes have been written (a PipeReader that
// consumes lines from its pipe only once they are in the file).
class WriteWaiter {
  public:
    virtual void on_written() = 0;

  protected:
    ~WriteWaiter() = default;
};

class LogFile : public std::enable_shared_from_this<LogFile> {
    struct Passkey {};

  public:
    // With this many bytes queued the file is congested; its waiters are
    // woken once the queue is back under the low watermark.
    static constexpr std::size_t kHighWatermark = std::size_t{4} << 20;
    static constexpr std::size_t kLowWatermark = std::size_t{1} << 20;

    // A full disk is tried again after kRetryMs, then twice as long each
    // time, up to kMaxRetryMs.
    static constexpr std::uint64_t kRetryMs = 100;
    static constexpr std::uint64_t kMaxRetryMs = 1000;
    // At shutdown, what a file still holds this long after abandon_after()
    // (a FIFO nobody reads, a full disk) is dropped, so the daemon can exit.
    static constexpr std::uint64_t kAbandonMs = 5000;

    // Opens path for appending, creating its directory as needed, following
    // no link in home (see log_file_open.h). Throws TendError(kBadRequest)
    // "cannot open log file '<path>': <reason>".
    static std::shared_ptr<LogFile> open(uv_loop_t* loop, const std::string& path,
                                         const std::string& home = {});

    LogFile(Passkey, uv_loop_t* loop, std::string path, std::string home, int fd);
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    const std::string& path() const { return path_; }

    // Writes lines, which must be whole lines, at once when nothing is queued
    // ahead of them and the disk has been quick, else queues them (then call
    // flush()). The fast path: no copy, no thread hand-off.
    void write(std::string_view lines);

    // Queues a, b and c, which together must be whole lines: a file with
    // several writers then never holds a torn line. Call flush() after a batch.
    void append(std::string_view a, std::string_view b = {}, std::string_view c = {});

    // Writes what is queued: at once in the loop, or by starting a threadpool
    // write unless one is already in flight (its completion writes the rest).
    void flush();

    // True while writes go straight to the file in the loop: a local regular
    // file whose writes have been quick (see LogWritePolicy), or a FIFO, pipe
    // or terminal (non-blocking) that is not waiting to be writable; never
    // while the file holds lines for a full disk.
    bool writes_in_loop() const;

    // True while the disk refuses the file's lines for want of space: they
    // are held (in memory and in the apps' pipes) until it takes them.
    bool full() const { return full_; }

    // Shutdown: drops what the file still holds kAbandonMs from now (a FIFO
    // nobody reads, a full disk) and wakes its waiters, so the readers and
    // the loop can end. A write on the threadpool cannot be taken back: the
    // loop waits for it.
    void abandon_after();

    // Sends every write to the threadpool, as if the disk were always slow:
    // for tests that need lines to stay queued.
    void use_threadpool_only() { threadpool_only_ = true; }

    // Bytes in memory not yet written: the rest of the write in flight plus
    // what is pending behind it.
    std::size_t queued_bytes() const { return in_flight_.size() - written_ + pending_.size(); }
    bool congested() const { return queued_bytes() >= kHighWatermark; }

    // Registers a waiter to be woken (once) when the queue has drained;
    // cancel_wait() withdraws it, e.g. when the waiter goes away first.
    void wait_for_drain(DrainWaiter* waiter);
    void cancel_wait(DrainWaiter* waiter);

    // How many bytes were ever handed to write() or append(): the position
    // just after the last of them.
    std::uint64_t write_mark() const { return appended_; }
    // True once every byte before mark has left memory: written, or dropped
    // because the disk refused it.
    bool written(std::uint64_t mark) const { return settled_ >= mark; }
    // Wakes waiter (once) when written(mark) holds; at most one mark per
    // waiter. cancel_write_wait() withdraws it.
    void wait_for_write(WriteWaiter* waiter, std::uint64_t mark);
    void cancel_write_wait(WriteWaiter* waiter);

    // What tail() needs: the file size the queued bytes follow on disk (-1 if
    // unknown: read the whole file), then the queued bytes in order.
    struct Queued {
        std::int64_t disk_end = -1;
        std::string_view in_flight;
        std::string_view pending;
    };
    Queued queued() const;

    // Empties the file on disk; what is queued is still written afterwards.
    // Throws TendError(kBadRequest) "cannot truncate log file '<path>': ...".
    void truncate();

    // Opens path again (logrotate moved the file). The old descriptor is
    // closed once no write uses it. On failure, logs and keeps the old one.
    void reopen();

    // How the file rotates from now on (a regular file only): it is renamed
    // to an archive (log_archives.h) and a new one opened, between two
    // writes, so an archive holds whole lines only, once it reaches
    // max_size or the interval comes. Old archives are pruned then, and
    // compressed by archiver. A merged file rotates once for all its writers.
    void set_rotation(const RotationPolicy& policy, std::shared_ptr<LogArchiver> archiver);
    const RotationPolicy& rotation() const { return rotation_; }
    // Rotates now, if the file holds anything and no write is in flight
    // (else as soon as it is done). For tests and time-based rotation.
    void rotate_soon();
    // Bytes in the live file, as far as this daemon wrote or found them.
    std::int64_t size() const { return size_; }
    // Rotations done by this file since it was opened.
    std::uint64_t rotations() const { return rotations_; }

    // Makes the file (a regular one: never /dev/null or a pipe) owned by an
    // app's user and group, now and after each reopen(): an app run with
    // `uid` owns its logs, and its user no other app's.
    void give_to(uid_t uid, gid_t gid);

    // Frees the queue buffers if nothing was appended since the last call and
    // nothing is queued; returns the bytes freed. Called by a periodic timer,
    // so a busy file keeps its buffers and an idle one holds next to nothing.
    std::size_t release_if_idle();

    // Bytes dropped because the disk refused them (EIO, EPIPE...; not for
    // want of space), or abandoned at shutdown.
    std::uint64_t dropped_bytes() const { return dropped_; }

    // When each batch was captured (for `tend logs`' order and --since).
    // Rotation calls marks().on_new_file() once the new file is open.
    const WriteMarks& marks() const { return marks_; }
    WriteMarks& marks() { return marks_; }

  private:
    struct WriteRequest;
    // Why the file holds its lines instead of writing them.
    enum class Hold { kNone, kWritable, kSpace };

    std::size_t write_now(std::string_view data);
    std::size_t take_back_torn(std::string_view data, std::size_t done, int fd);
    void hold_for_space(int error);
    void wait_writable();
    void arm_retry();
    static void on_retry(uv_timer_t* timer);
    static void on_writable(uv_poll_t* poll, int status, int events);
    static void on_abandon(uv_timer_t* timer);
    void resume();
    void abandon();
    void after_progress();
    void write_succeeded();
    void start_write();
    void issue_write();
    static void on_write(uv_fs_t* req);
    void write_done(std::int64_t result);
    void report_failure(std::int64_t result);
    void wake_waiters();
    void wake_write_waiters();
    void maybe_rotate();
    void rotate();
    bool replace_fd(const std::string& archive);
    void stamp_for_archive();
    void arm_rotation_timer();
    static void on_rotation_timer(uv_timer_t* timer);

    uv_loop_t* loop_;
    std::string path_;
    std::string home_;  // where no link is followed, for reopen()
    int fd_;
    int write_fd_ = -1;  // descriptor of the write in flight; may be an old fd_ after reopen()
    bool writing_ = false;
    bool active_ = false;  // appended to since the last release_if_idle()
    bool failing_ = false;
    bool threadpool_only_ = false;
    bool regular_ = false;  // fd_ is a regular file
    bool remote_ = false;   // on a file system that may stall for good
    Hold hold_ = Hold::kNone;
    bool full_ = false;  // since the disk last refused a write for space
    bool abandoned_ = false;
    std::uint64_t retry_ms_ = kRetryMs;
    uv::Handle<uv_timer_t> retry_timer_;  // a full disk, or a device libuv cannot poll
    uv::Handle<uv_poll_t> writable_;      // a FIFO, pipe or terminal that took nothing more
    uv::Handle<uv_timer_t> abandon_timer_;
    std::optional<std::pair<uid_t, gid_t>> owner_;  // give_to()'s, applied on reopen
    LogWritePolicy policy_;
    std::int64_t disk_end_ = -1;  // file size when the write in flight started
    std::string in_flight_;       // the buffer being written; written_ bytes of it are done
    std::size_t written_ = 0;
    std::string pending_;  // appended while a write is in flight
    std::vector<DrainWaiter*> waiters_;
    std::uint64_t appended_ = 0;  // bytes ever handed to write() or append()
    std::uint64_t settled_ = 0;   // of those, bytes written or dropped
    std::vector<std::pair<WriteWaiter*, std::uint64_t>> write_waiters_;
    std::uint64_t dropped_ = 0;
    std::uint64_t dropped_at_failure_ = 0;
    RotationPolicy rotation_ = RotationPolicy::never();
    std::shared_ptr<LogArchiver> archiver_;
    std::int64_t size_ = 0;              // of the live file
    bool rotate_due_ = false;            // the interval came: rotate once nothing is in flight
    std::uint64_t rotate_retry_at_ = 0;  // uv_now() before which a failed rotation is not retried
    std::uint64_t rotations_ = 0;
    std::int64_t last_archive_ns_ = 0;       // the time stamped on the last archive
    ArchiveName last_archive_;               // the name of the last archive made
    uv::Handle<uv_timer_t> rotation_timer_;  // time-based rotation
    WriteMarks marks_;
};

}  // namespace tend
