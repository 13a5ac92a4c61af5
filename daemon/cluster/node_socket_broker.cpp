// Shared ports for an app's instances, and Node workers' connections.
#include "daemon/cluster/node_socket_broker.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/cluster/listener.h"

namespace tend {

NodeSocketBroker::NodeSocketBroker(uv_loop_t* loop, InstanceChannels& channels, KeeperLink& keeper)
    : cluster_(loop, [&channels](int pid, const std::string& line,
                                 int fd) { return channels.send(pid, line, fd); }),
      keeper_(keeper) {
    cluster_.keep_with(&keeper);
}

// Named by its fd and the port it got (port 0 asks the kernel for one):
// unique among the sockets held at once.
int NodeSocketBroker::open_listener(const std::string& host, int port) {
    int fd = open_tcp_listener(host, port);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int bound = port;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
        bound = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    keeper_.hold("port:" + host + ":" + std::to_string(bound) + ":" + std::to_string(fd), fd);
    return fd;
}

void NodeSocketBroker::close_listener(int fd) {
    cluster_.forget_listener(fd);
    keeper_.release(fd);
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
