// getaddrinfo, bind and listen for a shared port.
#include "daemon/listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

ListenResult bind_one(const addrinfo* ai) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) return failed(errno);
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ai->ai_family == AF_INET6) {
        int off = 0;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
        int err = errno;
        ::close(fd);
        return failed(err);
    }
    return ListenResult{fd, 0, ""};
}

}  // namespace

ListenResult listen_tcp(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return ListenResult{-1, -EADDRNOTAVAIL, lower_first(::gai_strerror(rc))};
    ListenResult result = bind_one(found);
    ::freeaddrinfo(found);
    return result;
}

int open_tcp_listener(const std::string& host, int port) {
    ListenResult r = listen_tcp(host, port);
    if (r.fd >= 0) return r.fd;
    std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                        std::to_string(port);
    throw TendError(ErrorCode::kSpawnFailed, "cannot listen on " + where + ": " + r.reason);
}

}  // namespace tend
