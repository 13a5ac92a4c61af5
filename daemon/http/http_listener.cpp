// Binding the HTTP endpoint.
#include "daemon/http/http_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tend {
namespace {

// Enough for a burst of scrapes and dashboard requests; the rest wait in the
// kernel, never in tendd.
constexpr int kHttpBacklog = 128;

}  // namespace

int listen_http(const HttpAddress& address) {
    sockaddr_storage storage{};
    socklen_t size = 0;
    if (address.ipv6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(static_cast<std::uint16_t>(address.port));
        ::inet_pton(AF_INET6, address.host.c_str(), &in6->sin6_addr);
        size = sizeof *in6;
    } else {
        auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(static_cast<std::uint16_t>(address.port));
        ::inet_pton(AF_INET, address.host.c_str(), &in4->sin_addr);
        size = sizeof *in4;
    }
    int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    bool ok = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0;
    if (ok && address.ipv6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    ok = ok && ::bind(fd, reinterpret_cast<sockaddr*>(&storage), size) == 0 &&
         ::listen(fd, kHttpBacklog) == 0;
    if (!ok) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        throw TendError(ErrorCode::kBadRequest,
                        "cannot listen on " + address.authority() + ": " + std::strerror(err));
    }
    return fd;
}

int bound_port(int fd) {
    sockaddr_storage storage{};
    socklen_t size = sizeof storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &size) != 0) return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

}  // namespace tend
