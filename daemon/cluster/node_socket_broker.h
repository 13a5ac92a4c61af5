// The real SocketBroker: binds an app's --port (listener.cpp) and deals the
// connections of every address a Node cluster worker listens on through
// NodeCluster, which speaks to the workers over their IPC channels.
#pragma once

#include <uv.h>

#include "daemon/cluster/node_cluster.h"
#include "daemon/cluster/socket_broker.h"
#include "daemon/ipc/instance_channels.h"

namespace tend {

class NodeSocketBroker : public SocketBroker {
  public:
    NodeSocketBroker(uv_loop_t* loop, InstanceChannels& channels);

    int open_listener(const std::string& host, int port) override;
    void close_listener(int fd) override;
    void add_worker(int pid, const std::string& app, int app_fd) override;
    void retire_worker(int pid) override;
    bool disconnect_worker(int pid) override { return cluster_.disconnect(pid); }
    void remove_worker(int pid) override;
    // A message of Node's own cluster protocol from pid.
    void on_message(int pid, const json& message) { cluster_.on_message(pid, message); }
    // Closes every socket and balancer (shutdown: they would keep the loop alive).
    void close() { cluster_.close(); }

  private:
    NodeCluster cluster_;
};

}  // namespace tend
