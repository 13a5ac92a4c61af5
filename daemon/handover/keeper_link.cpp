// Talking with tend-keeper over the socketpair it started tendd with.
#include "daemon/handover/keeper_link.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/text.h"
#include "daemon/uv/guard.h"
#include "keeper/wire.h"

namespace tend {

using keeper::Message;
using keeper::Type;

int Handover::take(const std::string& name) {
    auto it = fds.find(name);
    if (it == fds.end()) return -1;
    int fd = it->second;
    fds.erase(it);
    return fd;
}

KeeperLink KeeperLink::from_environment() {
    const char* value = std::getenv(keeper::kFdEnv);
    if (value == nullptr) return KeeperLink();
    auto fd = parse_int(value);
    ::unsetenv(keeper::kFdEnv);
    if (!fd || *fd < 3 || ::fcntl(static_cast<int>(*fd), F_SETFD, FD_CLOEXEC) != 0) {
        spdlog::warn("{}={} is no channel; running without a keeper", keeper::kFdEnv, value);
        return KeeperLink();
    }
    // The keeper is our parent: a take-over acts on its children, so a
    // channel to anyone else is refused.
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(static_cast<int>(*fd), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 ||
        peer.pid != ::getppid()) {
        spdlog::warn("{}={} is not a channel to our parent; running without a keeper",
                     keeper::kFdEnv, value);
        return KeeperLink();
    }
    return KeeperLink(static_cast<int>(*fd));
}

KeeperLink::KeeperLink(KeeperLink&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      held_(std::move(other.held_)),
      names_(std::move(other.names_)) {}

KeeperLink::~KeeperLink() {
    close();
}

Handover KeeperLink::receive_handover() {
    Handover h;
    while (active()) {
        std::optional<Message> m = keeper::receive_message(fd_);
        if (!m) {
            spdlog::error("the keeper's channel closed during the hand-over: {}",
                          std::strerror(errno));
            ::close(fd_);
            fd_ = -1;
            break;
        }
        if (m->type == Type::kHeld && m->fd >= 0) {
            if (int old = h.take(m->name); old >= 0) ::close(old);
            h.fds[m->name] = m->fd;
            note_held(m->name, m->fd);
        } else if (m->type == Type::kExited) {
            h.exits.emplace_back(static_cast<int>(m->a), static_cast<int>(m->b));
        } else if (m->type == Type::kHandedOver) {
            h.last_status = static_cast<int>(m->a);
            break;
        } else if (m->fd >= 0) {
            ::close(m->fd);
        }
    }
    return h;
}

void KeeperLink::send(int type, std::int64_t a, const std::string& name, int fd) {
    if (!active()) return;
    if (!keeper::send_message(fd_, {static_cast<Type>(type), a, 0, name, fd}))
        spdlog::warn("cannot reach the keeper: {}", std::strerror(errno));
}

void KeeperLink::hold(const std::string& name, int fd) {
    if (!active() || fd < 0) return;
    if (name.size() > keeper::kMaxName || name.find('\n') != std::string::npos) {
        spdlog::warn("not held by the keeper (bad name): {}", name);
        return;
    }
    note_held(name, fd);
    send(static_cast<int>(Type::kHold), 0, name, fd);
}

void KeeperLink::give(const std::string& name, int fd) {
    send(static_cast<int>(Type::kHold), 0, name, fd);
}

void KeeperLink::note_held(const std::string& name, int fd) {
    if (auto old = held_.find(name); old != held_.end()) names_.erase(old->second);
    held_[name] = fd;
    names_[fd] = name;
}

void KeeperLink::release(int fd) {
    auto it = names_.find(fd);
    if (it != names_.end()) drop(std::string(it->second));  // a copy: drop erases it
}

void KeeperLink::drop(const std::string& name) {
    auto it = held_.find(name);
    if (it == held_.end()) return;
    send(static_cast<int>(Type::kDrop), 0, name, -1);  // before name may go with the maps
    names_.erase(it->second);
    held_.erase(it);
}

std::string KeeperLink::name_of(int fd) const {
    auto it = names_.find(fd);
    return it == names_.end() ? std::string() : it->second;
}

int KeeperLink::fd_of(const std::string& name) const {
    auto it = held_.find(name);
    return it == held_.end() ? -1 : it->second;
}

std::vector<std::string> KeeperLink::names() const {
    std::vector<std::string> out;
    for (const auto& [name, fd] : held_) out.push_back(name);
    return out;
}

void KeeperLink::serving() {
    send(static_cast<int>(Type::kServing), 0, "", -1);
}

void KeeperLink::forget(int pid) {
    send(static_cast<int>(Type::kForget), pid, "", -1);
}

void KeeperLink::start(uv_loop_t* loop, OnExit on_exit) {
    if (!active()) return;
    on_exit_ = std::move(on_exit);
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    poll_ = uv::Handle<uv_poll_t>("keeper channel", uv_poll_init, loop, this, fd_);
    uv::check(uv_poll_start(poll_.get(), UV_READABLE | UV_DISCONNECT,
                            [](uv_poll_t* p, int status, int) {
                                uv::guarded("keeper channel", [p] {
                                    static_cast<KeeperLink*>(p->data)->on_readable();
                                });
                            }),
              "uv_poll_start");
}

void KeeperLink::on_readable() {
    // An exit may end the daemon (the last app stopped): then the link is closed.
    while (active()) {
        errno = 0;
        std::optional<Message> m = keeper::receive_message(fd_);
        if (!m) {
            if (errno == EAGAIN) return;
            // The keeper died: apps run on, but this daemon is now their only guard.
            spdlog::error("the keeper is gone ({}); apps will not survive this daemon",
                          errno == 0 ? "end of file" : std::strerror(errno));
            close();
            return;
        }
        if (m->fd >= 0) ::close(m->fd);
        if (m->type == Type::kExited && on_exit_)
            on_exit_(static_cast<int>(m->a), static_cast<int>(m->b));
    }
}

void KeeperLink::close() {
    poll_.close();  // stops the poll before its fd goes
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace tend
