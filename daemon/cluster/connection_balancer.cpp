// Accepting on a shared port and handing connections on in turn.
#include "daemon/cluster/connection_balancer.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {
namespace {

constexpr uint64_t kAcceptRetryMs = 100;  // after EMFILE and the like

}  // namespace

ConnectionBalancer::ConnectionBalancer(int listen_fd, Handoff handoff)
    : listen_fd_(listen_fd), handoff_(std::move(handoff)) {}

ConnectionBalancer* ConnectionBalancer::open(uv_loop_t* loop, int listen_fd, Handoff handoff) {
    auto* self = new ConnectionBalancer(listen_fd, std::move(handoff));
    int rc = uv_poll_init(loop, &self->poll_, listen_fd);
    if (rc != 0) {
        delete self;  // nothing of it was initialised
    } else if ((rc = uv_timer_init(loop, &self->retry_)) != 0) {
        uv::close_and_delete(self, &self->poll_);
    }
    if (rc != 0) {
        spdlog::warn("cannot deal the connections of fd {}: {}", listen_fd, uv_strerror(rc));
        ::close(listen_fd);
        return nullptr;
    }
    self->poll_.data = self;
    self->retry_.data = self;
    return self;
}

ConnectionBalancer::Worker* ConnectionBalancer::find(int pid) {
    auto it = std::find_if(workers_.begin(), workers_.end(),
                           [pid](const Worker& w) { return w.pid == pid; });
    return it == workers_.end() ? nullptr : &*it;
}

std::size_t ConnectionBalancer::unanswered(int pid) const {
    for (const Worker& w : workers_)
        if (w.pid == pid) return w.held.size();
    return 0;
}

bool ConnectionBalancer::can_add(int pid) {
    Worker* w = find(pid);
    return !closing_ && (!w || (w->retired && w->held.empty()));
}

bool ConnectionBalancer::add(int pid, std::string key) {
    if (!can_add(pid)) return false;
    if (Worker* w = find(pid)) {
        w->key = std::move(key);
        w->retired = false;
    } else {
        workers_.push_back(Worker{pid, std::move(key), {}, false});
    }
    dispatch();
    return true;
}

void ConnectionBalancer::retire(int pid) {
    if (Worker* w = find(pid)) w->retired = true;
}

void ConnectionBalancer::remove(int pid) {
    Worker* w = find(pid);
    if (!w) return;
    // Delivered, a connection died with the worker, as any crash loses the
    // request in hand; not delivered, nobody has seen it yet.
    for (auto it = w->held.rbegin(); it != w->held.rend(); ++it) {
        if (it->delivered)
            ::close(it->fd);
        else
            waiting_.push_front(it->fd);
    }
    std::size_t index = static_cast<std::size_t>(w - workers_.data());
    workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(index));
    if (turn_ > index) --turn_;
    dispatch();
}

// Node reports each fd it gets, in the order they were sent: a report is
// about the oldest connection not yet reported on.
std::deque<ConnectionBalancer::Held>::iterator ConnectionBalancer::oldest_undelivered(Worker& w) {
    return std::find_if(w.held.begin(), w.held.end(), [](const Held& h) { return !h.delivered; });
}

void ConnectionBalancer::delivered(int pid) {
    Worker* w = find(pid);
    if (!w) return;
    if (auto it = oldest_undelivered(*w); it != w->held.end()) it->delivered = true;
}

void ConnectionBalancer::lost(int pid) {
    Worker* w = find(pid);
    if (!w) return;
    auto it = oldest_undelivered(*w);
    if (it == w->held.end()) return;
    waiting_.push_front(it->fd);
    w->held.erase(it);
    dispatch();
}

void ConnectionBalancer::answered(int pid, bool accepted) {
    Worker* w = find(pid);
    if (!w || w->held.empty()) return;
    int fd = w->held.front().fd;
    w->held.pop_front();
    if (accepted)
        ::close(fd);  // the worker has its own copy
    else
        waiting_.push_front(fd);
    dispatch();
}

// The index of the first worker, from the one whose turn it is, that can
// take a connection; workers_.size() when none can.
std::size_t ConnectionBalancer::next_worker() const {
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        std::size_t at = (turn_ + i) % workers_.size();
        const Worker& w = workers_[at];
        if (!w.retired && w.held.size() < kMaxUnanswered) return at;
    }
    return workers_.size();
}

// A connection to hand on: one a gone worker never received, else a new
// one from the backlog; -1 when there is none.
int ConnectionBalancer::next_connection() {
    if (!waiting_.empty()) {
        int fd = waiting_.front();
        waiting_.pop_front();
        return fd;
    }
    for (;;) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) return fd;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            spdlog::warn("accept on fd {} failed: {}; retrying in {} ms", listen_fd_,
                         std::strerror(errno), kAcceptRetryMs);
            uv_timer_start(
                &retry_,
                [](uv_timer_t* t) {
                    uv::guarded("connection balancer",
                                [t] { static_cast<ConnectionBalancer*>(t->data)->dispatch(); });
                },
                kAcceptRetryMs, 0);
        }
        return -1;
    }
}

bool ConnectionBalancer::retrying() const {
    return uv_is_active(reinterpret_cast<const uv_handle_t*>(&retry_)) != 0;
}

void ConnectionBalancer::dispatch() {
    std::size_t at = next_worker();
    while (!closing_ && !retrying() && at < workers_.size()) {
        int fd = next_connection();
        if (fd < 0) break;
        Worker& w = workers_[at];
        turn_ = at + 1;
        w.held.push_back(Held{fd, false});
        if (!handoff_(w.pid, w.key, fd)) {
            // Its channel is closed or not read: it gets no more, and the
            // connection goes to the next.
            w.held.pop_back();
            w.retired = true;
            waiting_.push_front(fd);
        }
        at = next_worker();
    }
    // Watch the backlog only while someone could take what it holds.
    watch(!closing_ && !retrying() && waiting_.empty() && at < workers_.size());
}

void ConnectionBalancer::watch(bool on) {
    if (on == watching_) return;
    watching_ = on;
    if (on)
        uv_poll_start(&poll_, UV_READABLE, &ConnectionBalancer::on_readable);
    else
        uv_poll_stop(&poll_);
}

void ConnectionBalancer::on_readable(uv_poll_t* poll, int status, int) {
    auto* self = static_cast<ConnectionBalancer*>(poll->data);
    if (status < 0)
        spdlog::warn("polling listening fd {}: {}", self->listen_fd_, uv_strerror(status));
    uv::guarded("connection balancer", [self] { self->dispatch(); });
}

void ConnectionBalancer::close() {
    if (closing_) return;
    closing_ = true;
    for (Worker& w : workers_)
        for (const Held& h : w.held) ::close(h.fd);
    for (int fd : waiting_) ::close(fd);
    workers_.clear();
    waiting_.clear();
    // The balancer goes once both handles are closed; the fd can go now,
    // since closing the poll has stopped watching it.
    uv::close_and_delete(this, &poll_, &retry_);
    ::close(listen_fd_);
}

std::vector<std::pair<int, bool>> ConnectionBalancer::members() const {
    std::vector<std::pair<int, bool>> out;
    for (const Worker& w : workers_) out.emplace_back(w.pid, w.retired);
    return out;
}

}  // namespace tend
