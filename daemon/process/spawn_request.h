// Everything a launch of one instance needs, built by the process table from
// its app's spec (spawn_request.cpp): argv, the complete environment, the
// log files, and the fds it inherits.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/log_format.h"
#include "common/log_rotation.h"
#include "daemon/process/run_as.h"

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
    LogFormat log_format;  // how its lines are stored: --time, log_date_format, log_type
    RotationPolicy rotation = RotationPolicy::never();  // of both log files
    // uid / gid to switch to (the daemon runs as root); nullopt = the daemon's.
    std::optional<Identity> run_as;
    // A listening socket to pass as fd 3 (cluster mode's shared port), with
    // LISTEN_PID set to the instance's own pid; -1 = none.
    int listen_fd = -1;
    // A Node cluster worker (NODE_UNIQUE_ID): the daemon answers its
    // listen() calls, and hands it connections in turn instead of a socket.
    bool node_cluster = false;
    bool inherits_listener() const { return listen_fd >= 0 && !node_cluster; }
    // The IPC channel's fd number in the instance: after fd 3 when there is
    // a listening socket. The table names it in the environment.
    int ipc_fd_number() const { return inherits_listener() ? 4 : 3; }
};

}  // namespace tend
