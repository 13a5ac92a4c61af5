// Edge-triggered readiness for pipes that hold only a partial line. libuv's
// poll is level-triggered: such a pipe is readable on every loop turn, and
// polling it would spin. An epoll set of the sink's own, with EPOLLET, wakes
// a reader only when its app writes again or its last writer goes.
#pragma once

#include <uv.h>

#include "daemon/uv/handle.h"

namespace tend {

class EdgeWatcher {
  public:
    // Something may have changed: the pipe got bytes or lost its writers,
    // or the watch was just added (a pipe already readable reports once).
    virtual void on_edge() = 0;

  protected:
    ~EdgeWatcher() = default;
};

class EdgeWatch {
  public:
    // Throws TendError(kInternal) when no epoll set can be made.
    explicit EdgeWatch(uv_loop_t* loop);
    ~EdgeWatch();
    EdgeWatch(const EdgeWatch&) = delete;
    EdgeWatch& operator=(const EdgeWatch&) = delete;

    // Watches fd for watcher until remove(fd). Returns 0 or an errno value.
    int add(int fd, EdgeWatcher* watcher);
    // Call before fd is closed: a duplicate elsewhere (the keeper's) keeps the
    // pipe open, and with it the registration.
    void remove(int fd);

  private:
    static void on_ready(uv_poll_t* poll, int status, int events);
    void dispatch();

    int epoll_fd_ = -1;
    uv::Handle<uv_poll_t> poll_;  // on epoll_fd_, active while something is watched
    int watched_ = 0;
};

}  // namespace tend
