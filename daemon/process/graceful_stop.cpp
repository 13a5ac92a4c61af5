// The steps of ending one process: disconnect (Node workers), stop signal, SIGKILL.
#include "daemon/process/graceful_stop.h"

#include <csignal>

#include "common/signals.h"

namespace tend {

GracefulStop::GracefulStop(Launcher& launcher, SocketBroker& sockets)
    : launcher_(launcher), sockets_(sockets) {}

StopStep GracefulStop::begin(int pid, const RestartPolicy& policy) {
    if (pid <= 0) return StopStep::kKilled;
    if (sockets_.disconnect_worker(pid)) return StopStep::kDisconnecting;
    signal_group(pid, signal_number(policy.kill_signal));
    return StopStep::kSignalled;
}

StopStep GracefulStop::overdue(int pid, StopStep step, const RestartPolicy& policy) {
    if (step == StopStep::kDisconnecting) {
        // It did not exit by itself: something besides its servers keeps it
        // up (a timer, a pool), or it ignores the disconnect. Its own
        // handler for the stop signal gets the last word.
        signal_group(pid, signal_number(policy.kill_signal));
        return StopStep::kSignalled;
    }
    signal_group(pid, SIGKILL);
    return StopStep::kKilled;
}

void GracefulStop::signal_group(int pid, int sig) {
    if (pid <= 0) return;
    sockets_.retire_worker(pid);
    launcher_.signal_group(pid, sig);
}

}  // namespace tend
