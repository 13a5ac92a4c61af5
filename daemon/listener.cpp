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

[[noreturn]] void fail(const std::string& where, const std::string& why) {
    throw TendError(ErrorCode::kSpawnFailed, "cannot listen on " + where + ": " + why);
}

int bind_one(const addrinfo* ai, const std::string& where) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) fail(where, lower_first(std::strerror(errno)));
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ai->ai_family == AF_INET6) {
        int off = 0;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
        int err = errno;
        ::close(fd);
        fail(where, lower_first(std::strerror(err)));
    }
    return fd;
}

}  // namespace

int open_tcp_listener(const std::string& host, int port) {
    std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                        std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        fail(where, lower_first(::gai_strerror(rc)));
    try {
        int fd = bind_one(found, where);
        ::freeaddrinfo(found);
        return fd;
    } catch (...) {
        ::freeaddrinfo(found);
        throw;
    }
}

}  // namespace tend
