// Pruning and compressing rotated archives; the compressing thread.
#include "daemon/logs/log_archiver.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/logs/log_archives.h"

namespace tend {

namespace {

constexpr std::size_t kChunk = std::size_t{256} << 10;

// Closes a descriptor when the scope ends (unless released).
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Opens the temporary file for archive's compressed copy, replacing one a
// crash left; never following a link.
int create_temp(const std::string& temp, const struct stat& like) {
    ::unlink(temp.c_str());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    like.st_mode & 07777);
    if (fd < 0) return -1;
    // The archive's owner (an app run with `uid`) owns its compressed copy.
    if (::fchown(fd, like.st_uid, like.st_gid) != 0 && errno != EPERM) {
        spdlog::warn("cannot give '{}' to uid {}: {}", temp, like.st_uid, std::strerror(errno));
    }
    return fd;
}

// Copies in to the gzip stream; false on a read or write error or a stop.
bool gzip_copy(int in, gzFile out, const std::atomic<bool>& stop, std::string& error) {
    std::vector<char> buf(kChunk);
    for (;;) {
        if (stop.load(std::memory_order_relaxed)) return false;
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::strerror(errno);
            return false;
        }
        if (n == 0) return true;
        if (gzwrite(out, buf.data(), static_cast<unsigned>(n)) != n) {
            int code = 0;
            error = gzerror(out, &code);
            return false;
        }
    }
}

// True when path is still the file st describes.
bool same_file(const std::string& path, const struct stat& st) {
    struct stat now {};
    return ::lstat(path.c_str(), &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev;
}

}  // namespace

int prune_archives(const std::string& live, int retain) {
    std::vector<std::string> archives = list_log_archives(live);
    int removed = 0;
    for (std::size_t i = static_cast<std::size_t>(retain); i < archives.size(); ++i) {
        if (::unlink(archives[i].c_str()) == 0 || errno == ENOENT) {
            ++removed;
        } else {
            spdlog::warn("cannot remove log archive '{}': {}", archives[i], std::strerror(errno));
        }
    }
    return removed;
}

bool compress_archive(const std::string& archive, const std::atomic<bool>& stop) {
    Fd in{::open(archive.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (in.fd < 0) return false;  // removed meanwhile: nothing to do
    struct stat st {};
    if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    std::string done = archive + ".gz";
    std::string temp = done + ".tmp";
    int out_fd = create_temp(temp, st);
    if (out_fd < 0) {
        spdlog::warn("cannot compress log archive '{}': {}: {}", archive, temp,
                     std::strerror(errno));
        return false;
    }
    gzFile out = gzdopen(out_fd, "wb6");
    if (!out) {
        ::close(out_fd);
        ::unlink(temp.c_str());
        return false;
    }
    std::string error;
    bool copied = gzip_copy(in.fd, out, stop, error);
    bool closed = gzclose(out) == Z_OK;  // closes out_fd
    // A pruned archive is not brought back as its compressed copy, nor one
    // whose name a newer archive has taken since (names are reused within
    // a second once pruned) made to replace it.
    if (!copied || !closed || !same_file(archive, st)) {
        if (!error.empty()) spdlog::warn("cannot compress log archive '{}': {}", archive, error);
        ::unlink(temp.c_str());
        return false;
    }
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::utimensat(AT_FDCWD, temp.c_str(), times, AT_SYMLINK_NOFOLLOW);
    if (::rename(temp.c_str(), done.c_str()) != 0) {
        spdlog::warn("cannot compress log archive '{}': {}", archive, std::strerror(errno));
        ::unlink(temp.c_str());
        return false;
    }
    if (same_file(archive, st)) ::unlink(archive.c_str());
    return true;
}

LogArchiver::~LogArchiver() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void LogArchiver::tidy(const std::string& live, int retain, bool compress) {
    {
        std::lock_guard lock(mutex_);
        last_tidy_ = std::chrono::steady_clock::now();
        for (Job& job : jobs_) {
            if (job.live != live) continue;
            job.retain = retain;
            job.compress = compress;
            return;
        }
        last_tidy_ = std::chrono::steady_clock::now();
        jobs_.push_back({live, retain, compress});
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    wake_.notify_one();
}

bool LogArchiver::idle() {
    std::lock_guard lock(mutex_);
    return jobs_.empty() && !busy_;
}

void LogArchiver::run() {
    // Only when nothing else wants the CPU: the apps and the loop come first.
    sched_param param{};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) != 0)
        spdlog::warn("log archiver: cannot run at idle priority");
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        work(job);
        lock.lock();
        busy_ = false;
    }
}

// False once stopping.
bool LogArchiver::wait_for_quiet() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stop_) return false;
        auto quiet_at = last_tidy_ + kQuiet;
        if (std::chrono::steady_clock::now() >= quiet_at) return true;
        wake_.wait_until(lock, quiet_at);
    }
}

void LogArchiver::work(const Job& job) {
    prune_archives(job.live, job.retain);
    if (job.compress) {
        for (const std::string& archive : list_log_archives(job.live)) {
            if (is_compressed_archive(archive)) continue;
            if (!wait_for_quiet()) return;
            compress_archive(archive, stop_);
        }
    }
    prune_archives(job.live, job.retain);
}

}  // namespace tend
