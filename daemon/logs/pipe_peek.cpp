// The syscalls behind a peek: tee(2) into the scratch pipe, read() from it,
// and splice(2) to /dev/null to consume what was written (read() when splice
// is refused).
#include "daemon/logs/pipe_peek.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "common/errors.h"

namespace tend {

ScratchPipe::ScratchPipe(int capacity) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw TendError(ErrorCode::kInternal,
                        std::string("cannot make the log scratch pipe: ") + std::strerror(errno));
    }
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    // Refused over the user's pipe quota: the default size only makes peeks
    // smaller, so long lines are split sooner.
    (void)::fcntl(write_fd_, F_SETPIPE_SZ, capacity);
    int size = ::fcntl(write_fd_, F_GETPIPE_SZ);
    capacity_ = size > 0 ? static_cast<std::size_t>(size) : 4096;
    null_fd_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);  // -1: consume by read()
}

ScratchPipe::~ScratchPipe() {
    ::close(read_fd_);
    ::close(write_fd_);
    if (null_fd_ >= 0) ::close(null_fd_);
}

ScratchPipe::Peek ScratchPipe::peek(int fd, std::size_t len) {
    Peek result;
    for (;;) {
        ssize_t n = ::tee(fd, write_fd_, std::min(len, capacity_), SPLICE_F_NONBLOCK);
        if (n > 0) {
            result.size = static_cast<std::size_t>(n);
        } else if (n == 0) {
            result.eof = true;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN) {
            result.error = errno;
        }
        return result;
    }
}

ssize_t ScratchPipe::read(char* buffer, std::size_t len) {
    for (;;) {
        ssize_t n = ::read(read_fd_, buffer, len);
        if (n >= 0 || errno != EINTR) return n;
    }
}

void ScratchPipe::discard() {
    char sink[4096];
    while (::read(read_fd_, sink, sizeof sink) > 0) {
    }
}

int ScratchPipe::consume_pipe(int fd, std::size_t n, int null_fd) {
    while (n > 0 && null_fd >= 0) {
        ssize_t moved = ::splice(fd, nullptr, null_fd, nullptr, n, SPLICE_F_NONBLOCK);
        if (moved > 0) {
            n -= static_cast<std::size_t>(moved);
        } else if (moved < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // refused (an old kernel, a seccomp filter): read() the rest
        }
    }
    char sink[16384];
    while (n > 0) {
        ssize_t got = ::read(fd, sink, std::min(n, sizeof sink));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return got < 0 ? errno : EIO;
        n -= static_cast<std::size_t>(got);
    }
    return 0;
}

std::size_t pipe_available(int fd) {
    int bytes = 0;
    return ::ioctl(fd, FIONREAD, &bytes) == 0 && bytes > 0 ? static_cast<std::size_t>(bytes) : 0;
}

}  // namespace tend

namespace tend {

bool pipe_hung_up(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0;
}

}  // namespace tend
