// flock-based single-daemon lock on the pid file.
#include "daemon/home_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/errors.h"

namespace tend {

void ensure_home(const Paths& paths) {
    check_home(paths.home);  // an unsafe home is refused before anything is written
    std::error_code ec;
    if (std::filesystem::create_directories(paths.home, ec) &&
        ::chmod(paths.home.c_str(), 0700) != 0)
        throw TendError(ErrorCode::kInternal,
                        "cannot make " + paths.home + " private: " + std::strerror(errno));
    if (ec)
        throw TendError(ErrorCode::kInternal, "cannot create " + paths.home + ": " + ec.message());
    check_home(paths.home);
    std::filesystem::create_directories(paths.log_dir, ec);
}

HomeLock::HomeLock(const std::string& pidfile, int held_fd) {
    if (held_fd >= 0) {
        fd_ = held_fd;
    } else {
        take(pidfile);
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock is what matters; the pid text is only for people.
    }
}

// The pid file is opened without following a link (O_NOFOLLOW) and must be
// a regular file: a link planted in the home would otherwise have tendd
// truncate and write whatever it points to.
void HomeLock::take(const std::string& pidfile) {
    fd_ = ::open(pidfile.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno == ELOOP)
        throw TendError(ErrorCode::kInternal,
                        "cannot open " + pidfile +
                            ": it is a symbolic link (tend follows no link in its home)");
    if (fd_ < 0)
        throw TendError(ErrorCode::kInternal,
                        "cannot open " + pidfile + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw TendError(ErrorCode::kInternal, "cannot open " + pidfile + ": not a regular file");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = {};
        ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
        std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "?";
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
        ::close(fd_);
        fd_ = -1;
        throw TendError(ErrorCode::kAlreadyExists,
                        "a daemon is already running for this home (pid " + pid + ")");
    }
}

int HomeLock::release_for_exec() {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0) ::fcntl(fd, F_SETFD, 0);
    return fd;
}

HomeLock::~HomeLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace tend
