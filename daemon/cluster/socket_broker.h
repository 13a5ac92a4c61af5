// Brokering sockets: the seam through which the process table binds an
// app's shared port and tells the socket side which instances are Node
// cluster workers (dealt that port's connections) and when they stop. The
// real one (NodeSocketBroker) binds with listener.cpp and deals through
// NodeCluster; the table's unit tests use a fake.
#pragma once

#include <string>

namespace tend {

class SocketBroker {
  public:
    virtual ~SocketBroker() = default;
    // Binds and listens on host:port for an app's instances to share; the
    // socket, or throws TendError(kSpawnFailed) "cannot listen on ...".
    virtual int open_listener(const std::string& host, int port) = 0;
    // The app is gone: its socket closes, with whatever was dealt from it.
    virtual void close_listener(int fd) = 0;
    // pid was started as a Node cluster worker of app, whose --port socket is app_fd.
    virtual void add_worker(int pid, const std::string& app, int app_fd) = 0;
    // pid is being stopped (or killed): it is dealt no new connection.
    virtual void retire_worker(int pid) = 0;
    // pid is to stop gracefully. A Node cluster worker is retired as Node's
    // worker.disconnect() does (see NodeCluster::disconnect) and true is
    // returned: the caller signals it only if it has not exited in time.
    // false for any other process, and a worker that listens on nothing:
    // signal it.
    virtual bool disconnect_worker(int pid) = 0;
    // pid has exited: what it was dealt and never took goes to the others.
    virtual void remove_worker(int pid) = 0;
};

}  // namespace tend
