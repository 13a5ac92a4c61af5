// Round robin of one listening socket's connections over the Node cluster
// workers that listen on it, as Node's own cluster primary does. The kernel
// left alone gives a connection to whichever instance wakes first, so with
// more instances than cores a keep-alive load sticks to a few of them.
//
// The daemon accepts and hands each connection over the IPC channel to the
// next worker in turn that holds fewer than kMaxUnanswered connections it
// has not answered for yet: a worker kept busy answers late and is passed
// over, and a burst of keep-alive connections is dealt out evenly. The
// daemon only accepts while some worker can take more: the rest wait in the
// kernel's backlog. A connection a worker never received (it died, or Node
// reports the fd lost) goes to the next one; none is dropped by the daemon.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace tend {

class ConnectionBalancer {
  public:
    // Queues connection fd (the daemon keeps its own copy) to worker pid,
    // named by the worker's key for this socket; false when it cannot.
    using Handoff = std::function<bool(int pid, const std::string& key, int fd)>;

    // Adopts listen_fd. The balancer deletes itself once closed. nullptr
    // (listen_fd closed, logged) when libuv cannot watch it.
    static ConnectionBalancer* open(uv_loop_t* loop, int listen_fd, Handoff handoff);

    // Whether pid may listen: it does not yet, or it closed its server and
    // holds no connection.
    bool can_add(int pid);
    // pid listens, under key; false when it may not.
    bool add(int pid, std::string key);
    // No new connections (it is being stopped); the ones it holds stay its.
    void retire(int pid);
    // The worker is gone: a connection it never received goes to another.
    void remove(int pid);
    // Node acknowledged the oldest fd not yet acknowledged (NODE_HANDLE_ACK):
    // the worker has its copy.
    void delivered(int pid);
    // NODE_HANDLE_NACK: that fd was lost in transit; it goes to another.
    void lost(int pid);
    // The worker's answer to its oldest connection: taken, or refused (its
    // server closed meanwhile) and passed to the next.
    void answered(int pid, bool accepted);

    // Connections handed to pid that it has not answered for yet.
    std::size_t unanswered(int pid) const;
    bool has_workers() const { return !workers_.empty(); }
    // (pid, retired) of every worker that listens, for a hand-over.
    std::vector<std::pair<int, bool>> members() const;
    int listen_fd() const { return listen_fd_; }
    // Closes the listening socket and every connection not yet handed on.
    void close();

  private:
    static constexpr std::size_t kMaxUnanswered = 32;

    struct Held {
        int fd = -1;  // the daemon's copy, until the worker answers
        bool delivered = false;
    };
    struct Worker {
        int pid = 0;
        std::string key;
        std::deque<Held> held;  // in the order sent: Node answers in order
        bool retired = false;
    };

    ConnectionBalancer(int listen_fd, Handoff handoff);
    Worker* find(int pid);
    static std::deque<Held>::iterator oldest_undelivered(Worker& w);
    std::size_t next_worker() const;
    int next_connection();
    bool retrying() const;
    void dispatch();
    void watch(bool on);
    static void on_readable(uv_poll_t* poll, int status, int events);

    int listen_fd_;
    Handoff handoff_;
    uv_poll_t poll_{};
    uv_timer_t retry_{};  // after accept() failed for lack of fds
    bool watching_ = false;
    bool closing_ = false;
    std::vector<Worker> workers_;
    std::size_t turn_ = 0;     // the worker whose turn it is next
    std::deque<int> waiting_;  // accepted connections whose worker went away
};

}  // namespace tend
