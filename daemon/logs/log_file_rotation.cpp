// A log file's rotation: when (max_size, the interval timer), and how (the
// live file renamed to its archive, a new one opened, old archives pruned,
// the archiver told). Always between two writes: see LogFile::maybe_rotate.
#include "daemon/logs/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include <spdlog/spdlog.h>

#include "daemon/logs/log_archiver.h"
#include "daemon/logs/log_archives.h"
#include "daemon/logs/log_file_open.h"
#include "daemon/uv/guard.h"

namespace tend {

namespace {

// A rotation that failed (a read-only directory, say) is tried again after
// this long, not at every write.
constexpr std::uint64_t kRotateRetryMs = 30'000;

}  // namespace

void LogFile::set_rotation(const RotationPolicy& policy, std::shared_ptr<LogArchiver> archiver) {
    bool changed = !(policy == rotation_);
    rotation_ = policy;
    archiver_ = std::move(archiver);
    if (!regular_ || !changed) return;
    arm_rotation_timer();
    // Archives a daemon stopped before compressing (or made before compress
    // was on) are compressed now.
    if (rotation_.compress && archiver_) archiver_->tidy(path_, rotation_.retain, true);
    maybe_rotate();
}

void LogFile::rotate_soon() {
    rotate_due_ = true;
    maybe_rotate();
}

// Called where nothing is in flight and nothing held: between two writes.
void LogFile::maybe_rotate() {
    if (!regular_ || writing_ || hold_ != Hold::kNone || abandoned_) return;
    bool by_size = rotation_.max_size > 0 && size_ >= rotation_.max_size;
    if (!by_size && !rotate_due_) return;
    if (size_ == 0) {  // an empty file is not archived
        rotate_due_ = false;
        return;
    }
    if (rotate_retry_at_ != 0 && uv_now(loop_) < rotate_retry_at_) return;
    rotate();
}

void LogFile::rotate() {
    rotate_due_ = false;
    struct stat open_st {
    }, path_st{};
    bool same = ::fstat(fd_, &open_st) == 0 && ::lstat(path_.c_str(), &path_st) == 0 &&
                open_st.st_ino == path_st.st_ino && open_st.st_dev == path_st.st_dev;
    if (!same) {
        // Someone else moved or removed it (logrotate without reloadLogs):
        // go on where the name points now, and archive nothing of theirs.
        reopen();
        return;
    }
    ArchiveName name =
        new_archive_name(path_, std::time(nullptr), rotation_.date_format, &last_archive_);
    stamp_for_archive();
    if (!replace_fd(name.path)) {
        rotate_retry_at_ = uv_now(loop_) + kRotateRetryMs;
        return;
    }
    rotate_retry_at_ = 0;
    ++rotations_;
    last_archive_ = std::move(name);
    prune_archives(path_, rotation_.retain);
    if (rotation_.compress && archiver_) archiver_->tidy(path_, rotation_.retain, true);
}

// Archives are listed by modification time, but the kernel's file times
// move in clock ticks (4 ms), and a loud app's file rotates faster: each
// archive is stamped with the time of its rotation, at least 1 ns after
// the one before, so the order is exact whatever the names.
// The live file is stamped before it is renamed: once it has its archive's
// name, the archiver may already be compressing it, copying its time.
void LogFile::stamp_for_archive() {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    std::int64_t ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
    ns = std::max(ns, last_archive_ns_ + 1);
    last_archive_ns_ = ns;
    struct timespec times[2] = {{0, UTIME_OMIT}, {ns / 1'000'000'000, ns % 1'000'000'000}};
    if (::futimens(fd_, times) != 0)
        spdlog::warn("log file '{}': cannot set its time: {}", path_, std::strerror(errno));
}

// Renames the live file to archive and opens a new one at its path. On a
// failure the old descriptor stays: lines go on into whatever it is now.
bool LogFile::replace_fd(const std::string& archive) {
    if (::rename(path_.c_str(), archive.c_str()) != 0) {
        spdlog::error("cannot rotate log file '{}' to '{}': {}; trying again in {} s", path_,
                      archive, std::strerror(errno), kRotateRetryMs / 1000);
        return false;
    }
    OpenedLog opened = open_log(path_, home_);
    if (opened.fd < 0) {
        spdlog::error("cannot open log file '{}' after rotating it: {}; writing on to '{}'", path_,
                      opened.error, archive);
        return false;
    }
    writable_.close();  // a regular file: never polled, but never keep a stale fd there
    ::close(fd_);       // no write is in flight (maybe_rotate's condition)
    fd_ = opened.fd;
    regular_ = opened.regular;
    remote_ = opened.remote;
    size_ = 0;
    marks_.on_new_file(uv_hrtime());
    if (owner_) give_to(owner_->first, owner_->second);
    return true;
}

void LogFile::arm_rotation_timer() {
    rotation_timer_.close();
    std::optional<std::int64_t> delay =
        ms_until_rotation(rotation_.interval, std::chrono::system_clock::now());
    if (!delay) return;
    if (rotation_timer_.make(uv_timer_init, loop_, this) != 0) return;
    uv_timer_start(rotation_timer_.get(), on_rotation_timer, static_cast<std::uint64_t>(*delay), 0);
    uv_unref(rotation_timer_.base());  // never keeps the loop alive
}

void LogFile::on_rotation_timer(uv_timer_t* timer) {
    auto* file = static_cast<LogFile*>(timer->data);
    uv::guarded("log rotation timer", [file] {
        file->rotate_soon();
        file->arm_rotation_timer();
    });
}

}  // namespace tend
