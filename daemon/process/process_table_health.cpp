// The process table's side of health probes: what a readiness or liveness
// result does to an instance. The probes themselves run in daemon/health/,
// which follows the table and reports here; the table never waits on them.
#include <algorithm>

#include "daemon/process/process_table.h"

namespace tend {
namespace {

// A result in a row: passes reset failures and the other way round.
void count_probe_result(ProbeStreak& streak, bool ok) {
    if (ok) {
        ++streak.passes;
        streak.failures = 0;
    } else {
        ++streak.failures;
        streak.passes = 0;
    }
}

bool probed_while(InstanceState s) {
    return s == InstanceState::kLaunching || s == InstanceState::kOnline;
}

}  // namespace

bool ProcessTable::gated_by_probe(const Instance& inst) const {
    return apps_.at(inst.app).spec.health.readiness.enabled();
}

std::string ProcessTable::health_shown(const Instance& inst) const {
    if (inst.health.empty() || probed_while(inst.state)) return inst.health;
    return "unknown";
}

void ProcessTable::reset_health(Instance& inst) {
    const HealthChecks& health = apps_.at(inst.app).spec.health;
    inst.readiness_streak = {};
    inst.liveness_streak = {};
    inst.probe_ready = false;
    inst.health = health.liveness.enabled() || health.readiness.enabled() ? "unknown" : "";
}

// A launching instance's deadline passed. Without a readiness probe that is
// wait_ready's listen_timeout: online anyway. With one, only a reload's
// replacement has a deadline: it never became ready, so it is killed and
// the old process, still serving, stays the instance (Kubernetes would
// leave the rollout stuck; a reload that never ends helps nobody).
void ProcessTable::launch_overdue(Instance& inst) {
    if (!gated_by_probe(inst)) {
        become_online(inst);
        return;
    }
    on_replacement_failed(inst, inst.pid);
}

// The longer of listen_timeout and the time the probe needs to fail once it
// has started: its initial delay, failure_threshold periods and a timeout.
std::int64_t ProcessTable::replacement_patience(const Instance& inst) const {
    const AppSpec& spec = apps_.at(inst.app).spec;
    const Probe& p = spec.health.readiness;
    return std::max(spec.listen.listen_timeout_ms,
                    p.initial_delay_ms + p.period_ms * p.failure_threshold + p.timeout_ms);
}

void ProcessTable::on_probe_result(int id, int pid, ProbeRole role, bool ok,
                                   const std::string& detail) {
    Instance* inst = lookup(id);
    if (!inst || pid == 0 || inst->pid != pid || !probed_while(inst->state)) return;
    InstanceState state = inst->state;
    bool ready = inst->probe_ready;
    std::string health = inst->health;
    if (role == ProbeRole::kReadiness)
        on_readiness(*inst, ok);
    else
        on_liveness(*inst, ok, detail);
    // Most results change nothing anyone sees: no save, no monit event.
    if (inst->state == state && inst->probe_ready == ready && inst->health == health) return;
    Changing changing(*this);
    notify_waiters();
}

void ProcessTable::on_readiness(Instance& inst, bool ok) {
    const Probe& probe = apps_.at(inst.app).spec.health.readiness;
    count_probe_result(inst.readiness_streak, ok);
    if (ok && !inst.probe_ready && inst.readiness_streak.passes >= probe.success_threshold) {
        inst.probe_ready = true;
        if (inst.state == InstanceState::kLaunching) become_online(inst);
    } else if (!ok && inst.probe_ready &&
               inst.readiness_streak.failures >= probe.failure_threshold) {
        inst.probe_ready = false;  // stays online, not ready
    }
    // Without a liveness probe, health follows readiness.
    if (apps_.at(inst.app).spec.health.liveness.enabled()) return;
    if (inst.probe_ready)
        inst.health = "healthy";
    else if (inst.readiness_streak.failures >= probe.failure_threshold)
        inst.health = "unhealthy";
}

void ProcessTable::on_liveness(Instance& inst, bool ok, const std::string& detail) {
    const Probe& probe = apps_.at(inst.app).spec.health.liveness;
    count_probe_result(inst.liveness_streak, ok);
    if (ok) {
        if (inst.liveness_streak.passes >= probe.success_threshold) inst.health = "healthy";
        return;
    }
    if (inst.liveness_streak.failures < probe.failure_threshold) return;
    inst.health = "unhealthy";
    inst.liveness_streak = {};
    begin_stop(inst, AfterStop::kRestart, {"health", detail});
}

}  // namespace tend
