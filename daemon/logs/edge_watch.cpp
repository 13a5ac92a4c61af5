// The sink's edge-triggered epoll set, polled by libuv as one descriptor.
#include "daemon/logs/edge_watch.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/errors.h"
#include "daemon/uv/guard.h"

namespace tend {

namespace {

// Events handled per callback: a watcher that re-adds itself reports at
// once, so the rest waits for the next loop turn instead of looping here.
constexpr int kEventsPerTurn = 64;

}  // namespace

EdgeWatch::EdgeWatch(uv_loop_t* loop) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        throw TendError(ErrorCode::kInternal,
                        std::string("cannot make the log epoll set: ") + std::strerror(errno));
    }
    if (int rc = poll_.make(uv_poll_init, loop, this, epoll_fd_); rc != 0) {
        ::close(epoll_fd_);
        throw TendError(ErrorCode::kInternal,
                        std::string("cannot poll the log epoll set: ") + uv_strerror(rc));
    }
}

EdgeWatch::~EdgeWatch() {
    poll_.close();  // libuv stops watching epoll_fd_ here
    ::close(epoll_fd_);
}

int EdgeWatch::add(int fd, EdgeWatcher* watcher) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLET;
    event.data.ptr = watcher;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return errno;
    if (watched_++ == 0) uv_poll_start(poll_.get(), UV_READABLE, on_ready);
    return 0;
}

void EdgeWatch::remove(int fd) {
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) != 0) return;
    if (--watched_ == 0) uv_poll_stop(poll_.get());
}

void EdgeWatch::on_ready(uv_poll_t* poll, int, int) {
    uv::guarded("log edge poll", [poll] { static_cast<EdgeWatch*>(poll->data)->dispatch(); });
}

// One event at a time: a watcher may remove another (a subscriber that stops
// every reader), whose event must then not be delivered.
void EdgeWatch::dispatch() {
    epoll_event event{};
    for (int i = 0; i < kEventsPerTurn && ::epoll_wait(epoll_fd_, &event, 1, 0) == 1; ++i) {
        static_cast<EdgeWatcher*>(event.data.ptr)->on_edge();
    }
}

}  // namespace tend
