// Packets of the keeper's wire: a fixed header, then the name.
#include "keeper/wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tend::keeper {
namespace {

struct Header {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t type;
    std::int64_t a;
    std::int64_t b;
    std::uint32_t name_size;
    std::uint32_t reserved;
};

// The descriptor a packet carried, or -1; any extra ones are closed.
int attached_fd(msghdr& msg) {
    int fd = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
            if (fd < 0)
                fd = received;
            else
                ::close(received);
        }
    }
    return fd;
}

}  // namespace

bool send_message(int socket, const Message& m) {
    Header h{kMagic, kWireVersion, static_cast<std::uint16_t>(m.type),
             m.a,    m.b,          static_cast<std::uint32_t>(m.name.size()),
             0};
    iovec iov[2] = {{&h, sizeof h}, {const_cast<char*>(m.name.data()), m.name.size()}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = m.name.empty() ? 1 : 2;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (m.fd >= 0) {
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &m.fd, sizeof(int));
    }
    for (;;) {
        ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
        if (n >= 0) return true;
        if (errno != EINTR) return false;
    }
}

std::optional<Message> receive_message(int socket) {
    for (;;) {
        std::vector<char> buffer(sizeof(Header) + kMaxName);
        iovec iov{buffer.data(), buffer.size()};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        int fd = attached_fd(msg);
        Header h;
        std::memcpy(&h, buffer.data(), std::min(sizeof h, static_cast<std::size_t>(n)));
        bool ours = static_cast<std::size_t>(n) >= sizeof h && h.magic == kMagic &&
                    h.version == kWireVersion && h.name_size <= n - sizeof h;
        if (!ours) {
            if (fd >= 0) ::close(fd);
            continue;
        }
        Message m;
        m.type = static_cast<Type>(h.type);
        m.a = h.a;
        m.b = h.b;
        m.name.assign(buffer.data() + sizeof h, h.name_size);
        m.fd = fd;
        return m;
    }
}

}  // namespace tend::keeper
