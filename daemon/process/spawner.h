// The narrow interface through which the process table starts and signals
// processes, and owns what they share with the daemon (listening sockets,
// IPC channels). The real one (UvSpawner) uses uv_spawn; tests use a fake.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tend {

struct SpawnRequest {
    int id = 0;
    std::string name;
    int instance = 0;
    std::vector<std::string> argv;
    std::string cwd;
    std::map<std::string, std::string> env;  // the complete environment
    std::string out_log;
    std::string err_log;
    bool timestamp = false;  // --time
    // A listening socket to pass as fd 3 (cluster mode's shared port), with
    // LISTEN_PID set to the instance's own pid; -1 = none.
    int listen_fd = -1;
    // With listen_fd: a Node cluster worker (NODE_UNIQUE_ID), which the
    // daemon hands that socket's connections in turn instead of the socket.
    bool node_cluster = false;
    bool inherits_listener() const { return listen_fd >= 0 && !node_cluster; }
    // The IPC channel's fd number in the instance: after fd 3 when there is
    // a listening socket. The table names it in the environment.
    int ipc_fd_number() const { return inherits_listener() ? 4 : 3; }
};

class Spawner {
  public:
    virtual ~Spawner() = default;
    // Starts the process in its own session (so it leads its own process
    // group) and returns its pid. A failed exec is reported here, at once:
    // throws TendError(kSpawnFailed) "cannot start 'name': path: reason".
    virtual int spawn(const SpawnRequest& request) = 0;
    // Sends sig to the whole process group led by pid.
    virtual void signal_group(int pid, int sig) = 0;
    // Binds and listens on host:port for an app's instances to share; the
    // socket, or throws TendError(kSpawnFailed) "cannot listen on ...".
    virtual int open_listener(const std::string& host, int port) = 0;
    virtual void close_listener(int fd) = 0;
    // Writes one line to the IPC channel of process pid; false when it has
    // none (any more) or its queue is full.
    virtual bool send_message(int pid, const std::string& line) = 0;
};

}  // namespace tend
