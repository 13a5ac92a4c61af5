// Runs every instance's readiness and liveness probes on the daemon's loop
// and reports each answer to the table (ProcessTable::on_probe_result).
// It follows the table: the daemon calls follow() after every change, and
// each running process of an app with probes gets a timer per probe, first
// after initial_delay, then every period (a probe still running when its
// period comes round is not started twice). A new pid (a restart, a reload's
// replacement) starts over; a process that stops or exits is probed no more,
// and an answer that arrives for an old pid is ignored by the table.
#pragma once

#include <uv.h>

#include <map>
#include <memory>

#include "daemon/health/probe_check.h"
#include "daemon/process/process_table.h"
#include "daemon/uv/handle.h"

namespace tend {

class HealthMonitor {
  public:
    HealthMonitor(uv_loop_t* loop, ProcessTable& table);
    ~HealthMonitor();
    HealthMonitor(const HealthMonitor&) = delete;
    HealthMonitor& operator=(const HealthMonitor&) = delete;

    // Probes exactly the processes of the table that should be: launching or
    // online instances of apps with a probe, by their current pid.
    void follow();
    // Whether pid is an exec probe's process (the orphan reaper leaves it).
    bool owns(int pid) const { return pids_->count(pid) != 0; }
    // Processes probed now (for tests and logs).
    std::size_t probed() const { return probed_.size(); }
    // Stops every probe: the daemon is shutting down.
    void close();

  private:
    struct Slot;
    struct Probed {
        int pid = 0;
        std::unique_ptr<Slot> readiness;
        std::unique_ptr<Slot> liveness;
    };
    std::unique_ptr<Slot> make_slot(int id, int pid, ProbeRole role, const Probe& probe);
    void fire(Slot& slot);

    uv_loop_t* loop_;
    ProcessTable& table_;
    std::map<int, Probed> probed_;  // by instance id
    ProbePids pids_ = std::make_shared<std::set<int>>();
    bool closed_ = false;
};

}  // namespace tend
