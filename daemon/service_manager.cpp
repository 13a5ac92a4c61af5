// READY=1 to systemd, by hand: libsystemd is not worth a dependency for one
// datagram.
#include "daemon/service_manager.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tend {

void notify_service_ready(int main_pid) {
    const char* name = std::getenv("NOTIFY_SOCKET");
    if (!name) return;
    std::string path = name;
    ::unsetenv("NOTIFY_SOCKET");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() < 2 || path.size() >= sizeof addr.sun_path ||
        (path[0] != '/' && path[0] != '@')) {
        spdlog::warn("NOTIFY_SOCKET '{}' is not a socket path; systemd not told", path);
        return;
    }
    path.copy(addr.sun_path, path.size());
    if (path[0] == '@') addr.sun_path[0] = '\0';  // the abstract namespace
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    std::string message = "READY=1\nMAINPID=" + std::to_string(main_pid) + "\n";
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                           reinterpret_cast<sockaddr*>(&addr), len) < 0)
        spdlog::warn("telling systemd on '{}' that tendd is ready: {}", path, std::strerror(errno));
    if (fd >= 0) ::close(fd);
}

}  // namespace tend
