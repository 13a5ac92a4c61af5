// The real SocketBroker: binds an app's --port (listener.cpp) and deals the
// connections of every address a Node cluster worker listens on through
// NodeCluster, which speaks to the workers over their IPC channels.
#pragma once

#include <uv.h>

#include "daemon/cluster/node_cluster.h"
#include "daemon/cluster/socket_broker.h"
#include "daemon/handover/keeper_link.h"
#include "daemon/ipc/instance_channels.h"

namespace tend {

class NodeSocketBroker : public SocketBroker {
  public:
    // Every socket it binds is held by keeper (inactive: nobody holds them).
    NodeSocketBroker(uv_loop_t* loop, InstanceChannels& channels, KeeperLink& keeper);

    int open_listener(const std::string& host, int port) override;
    void close_listener(int fd) override;
    void add_worker(int pid, const std::string& app, int app_fd) override;
    void retire_worker(int pid) override;
    bool disconnect_worker(int pid) override { return cluster_.disconnect(pid); }
    void remove_worker(int pid) override;
    // A message of Node's own cluster protocol from pid.
    void on_message(int pid, const json& message) { cluster_.on_message(pid, message); }
    // Closes every socket and balancer (shutdown: they would keep the loop
    // alive); keep_paths on a hand-over, when the next daemon takes them.
    void close(bool keep_paths = false) { cluster_.close(keep_paths); }
    NodeCluster& cluster() { return cluster_; }

  private:
    NodeCluster cluster_;
    KeeperLink& keeper_;
};

}  // namespace tend
