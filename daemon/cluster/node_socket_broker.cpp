// Shared ports for an app's instances, and Node workers' connections.
#include "daemon/cluster/node_socket_broker.h"

#include <unistd.h>

#include "daemon/cluster/listener.h"

namespace tend {

NodeSocketBroker::NodeSocketBroker(uv_loop_t* loop, InstanceChannels& channels)
    : cluster_(loop, [&channels](int pid, const std::string& line, int fd) {
          return channels.send(pid, line, fd);
      }) {}

int NodeSocketBroker::open_listener(const std::string& host, int port) {
    return open_tcp_listener(host, port);
}

void NodeSocketBroker::close_listener(int fd) {
    cluster_.forget_listener(fd);
    if (fd >= 0) ::close(fd);
}

void NodeSocketBroker::add_worker(int pid, const std::string& app, int app_fd) {
    cluster_.add_worker(pid, app, app_fd);
}

void NodeSocketBroker::retire_worker(int pid) {
    cluster_.retire(pid);
}

void NodeSocketBroker::remove_worker(int pid) {
    cluster_.remove(pid);
}

}  // namespace tend
