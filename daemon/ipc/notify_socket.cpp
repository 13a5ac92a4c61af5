// The NOTIFY_SOCKET datagram socket: bind, SO_PASSCRED, read with recvmsg.
#include "daemon/ipc/notify_socket.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/uv/guard.h"

namespace tend {

bool notify_says_ready(std::string_view datagram) {
    std::size_t start = 0;
    while (start <= datagram.size()) {
        std::size_t nl = datagram.find('\n', start);
        std::string_view line =
            datagram.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (line == "READY=1") return true;
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return false;
}

NotifySocket::NotifySocket(uv_loop_t* loop, OnReady on_ready)
    : loop_(loop), on_ready_(std::move(on_ready)) {}

NotifySocket::~NotifySocket() {
    close();
}

bool NotifySocket::open(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        spdlog::warn("notify socket path too long, sd_notify disabled: {}", path);
        return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    ::unlink(path.c_str());  // we hold the home lock: a leftover is ours
    if (fd_ < 0 || ::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        spdlog::warn("cannot open notify socket {}: {}; sd_notify disabled", path,
                     std::strerror(errno));
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        return false;
    }
    watch();
    return true;
}

void NotifySocket::adopt(int fd) {
    fd_ = fd;
    watch();
}

void NotifySocket::watch() {
    poll_ = uv::Handle<uv_poll_t>("notify socket", uv_poll_init, loop_, this, fd_);
    uv::check(uv_poll_start(poll_.get(), UV_READABLE,
                            [](uv_poll_t* p, int status, int) {
                                if (status != 0) return;
                                uv::guarded("notify socket", [p] {
                                    static_cast<NotifySocket*>(p->data)->receive();
                                });
                            }),
              "uv_poll_start");
}

void NotifySocket::receive() {
    // Read what is queued, a bounded number per wake-up: the poll is
    // level-triggered, so the rest waits for the next loop turn, and an app
    // that floods the socket cannot keep the loop from every other client.
    for (int i = 0; i < kMaxPerWakeup; ++i) {
        char data[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
        iovec iov{data, sizeof data - 1};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0) return;
        int pid = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                ucred cred;
                std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
                pid = cred.pid;
            }
        if (pid > 0 && notify_says_ready(std::string_view(data, static_cast<std::size_t>(n))))
            on_ready_(pid);
    }
}

void NotifySocket::close() {
    // Closing the poll stops it and takes the fd out of epoll, so the fd
    // can go at once.
    poll_.close();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace tend
