// Reading a file tend keeps in its home, following no link.
#include "daemon/home_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tend {

std::optional<std::string> read_home_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return std::nullopt;
    if (fd < 0 && errno == ELOOP)
        throw TendError(
            ErrorCode::kBadRequest,
            "cannot read '" + path + "': it is a symbolic link (tend follows no link in its home)");
    if (fd < 0)
        throw TendError(ErrorCode::kBadRequest,
                        "cannot read '" + path + "': " + std::strerror(errno));
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw TendError(ErrorCode::kBadRequest,
                            "cannot read '" + path + "': " + std::strerror(err));
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

}  // namespace tend
