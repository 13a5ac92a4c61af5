// Ending one process, in steps with a deadline (kill_timeout) between them:
// how stop, restart, delete and reload end a process. Any process gets the
// stop signal, then SIGKILL. A Node cluster worker is first retired as
// Node's own worker.disconnect() does, and signalled only if it is still
// there after kill_timeout: many apps exit at once on SIGINT, which would
// drop a connection just handed to them.
#pragma once

#include "common/app_spec.h"
#include "daemon/cluster/socket_broker.h"
#include "daemon/process/launcher.h"

namespace tend {

// Where the ending of one process is; each step but kKilled has a deadline.
enum class StopStep {
    kNone,           // not being stopped
    kDisconnecting,  // a Node worker told to disconnect; signalled at the deadline
    kSignalled,      // sent the stop signal; SIGKILLed at the deadline
    kKilled,         // sent SIGKILL: nothing more to do but wait for the exit
};

class GracefulStop {
  public:
    GracefulStop(Launcher& launcher, SocketBroker& sockets);

    // Begins ending pid; the step it is at. The caller arms a deadline
    // kill_timeout away and calls overdue() if pid has not exited by then.
    StopStep begin(int pid, const RestartPolicy& policy);
    // The deadline of step passed with pid still running: the next step
    // (the caller arms a new deadline unless it is kKilled).
    StopStep overdue(int pid, StopStep step, const RestartPolicy& policy);
    // Sends sig to pid's group; a Node worker signalled is dealt no more connections.
    void signal_group(int pid, int sig);

  private:
    Launcher& launcher_;
    SocketBroker& sockets_;
};

}  // namespace tend
