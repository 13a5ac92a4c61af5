// The process table's direct operator actions that change no state: counters
// back to zero (`tend reset`) and a signal to the app's process (`tend
// signal`). The state machine is in process_table.cpp.
#include "daemon/process/process_table.h"

namespace tend {

void ProcessTable::reset_counters(const std::vector<int>& ids) {
    Changing changing(*this);
    for (int id : ids) {
        Instance* inst = lookup(id);
        if (!inst) continue;
        inst->restarts = 0;
        // The unstable run too: an app that crash-looped starts its
        // max_restarts count afresh, as PM2's reset does.
        inst->history = RestartHistory{};
    }
}

std::vector<int> ProcessTable::signal_processes(const std::vector<int>& ids, int sig) {
    std::vector<int> reached;
    for (int id : ids) {
        const Instance* inst = find(id);
        if (!inst || inst->pid == 0) continue;
        launcher_.signal_process(inst->pid, sig);
        reached.push_back(id);
    }
    return reached;
}

}  // namespace tend
