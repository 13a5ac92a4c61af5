// Launching processes: the seam through which the process table starts an
// instance and signals its process group. The real one (UvLauncher) uses
// uv_spawn; the table's unit tests use a fake.
#pragma once

#include "daemon/process/spawn_request.h"

namespace tend {

class Launcher {
  public:
    virtual ~Launcher() = default;
    // Starts the process in its own session (so it leads its own process
    // group) and returns its pid. A failed exec is reported here, at once:
    // throws TendError(kSpawnFailed) "cannot start 'name': path: reason".
    virtual int spawn(const SpawnRequest& request) = 0;
    // Sends sig to the whole process group led by pid.
    virtual void signal_group(int pid, int sig) = 0;
    // Sends sig to pid alone (`tend signal`: what it means is the app's).
    virtual void signal_process(int pid, int sig) = 0;
};

}  // namespace tend
