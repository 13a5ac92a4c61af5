// getaddrinfo, bind and listen for a shared port.
#include "daemon/cluster/listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tend {
namespace {

constexpr int kBacklog = 511;  // as Node and nginx ask; the kernel caps it at somaxconn

std::string lower_first(std::string text) {
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

ListenResult failed(int err) {
    return ListenResult{-1, -err, lower_first(std::strerror(err))};
}

// Binds (and for a stream socket, listens) on fd; closes it on failure.
ListenResult bind_and_listen(int fd, const sockaddr* addr, socklen_t len, bool stream) {
    if (::bind(fd, addr, len) != 0 || (stream && ::listen(fd, kBacklog) != 0)) {
        int err = errno;
        ::close(fd);
        return failed(err);
    }
    return ListenResult{fd, 0, ""};
}

ListenResult bind_one(const addrinfo* ai, bool reuse_address) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) return failed(errno);
    int on = 1;
    if (reuse_address) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ai->ai_family == AF_INET6) {
        int off = 0;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    return bind_and_listen(fd, ai->ai_addr, ai->ai_addrlen, ai->ai_socktype == SOCK_STREAM);
}

ListenResult bind_inet(const std::string& host, int port, int type, bool reuse_address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = type;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return ListenResult{-1, -EADDRNOTAVAIL, lower_first(::gai_strerror(rc))};
    ListenResult result = bind_one(found, reuse_address);
    ::freeaddrinfo(found);
    return result;
}

}  // namespace

ListenResult listen_tcp(const std::string& host, int port) {
    return bind_inet(host, port, SOCK_STREAM, true);
}

ListenResult bind_udp(const std::string& host, int port, bool reuse_address) {
    return bind_inet(host, port, SOCK_DGRAM, reuse_address);
}

ListenResult listen_unix(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) return failed(ENAMETOOLONG);
    path.copy(addr.sun_path, path.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return failed(errno);
    return bind_and_listen(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr, true);
}

int open_tcp_listener(const std::string& host, int port) {
    ListenResult r = listen_tcp(host, port);
    if (r.fd >= 0) return r.fd;
    std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                        std::to_string(port);
    throw TendError(ErrorCode::kSpawnFailed, "cannot listen on " + where + ": " + r.reason);
}

}  // namespace tend
