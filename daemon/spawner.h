// The narrow interface through which the process table starts and signals
// processes. The real one (UvSpawner) uses uv_spawn; tests use a fake.
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
};

}  // namespace tend
