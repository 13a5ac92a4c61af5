// The probe scheduler: one libuv timer per probe of each probed process.
#include "daemon/health/health_monitor.h"

#include <unistd.h>

#include "common/errors.h"
#include "daemon/uv/guard.h"

namespace tend {

// One probe of one process: its timer and the attempt in flight, if any.
// Destroying it stops the timer and cancels the attempt (which then never
// answers), so an attempt's answer always finds its slot.
struct HealthMonitor::Slot {
    HealthMonitor* monitor = nullptr;
    int id = 0;
    int pid = 0;
    ProbeRole role = ProbeRole::kReadiness;
    Probe probe;
    uv::Handle<uv_timer_t> timer;
    ProbeCheck* inflight = nullptr;

    ~Slot() {
        if (inflight) inflight->cancel();
    }
};

HealthMonitor::HealthMonitor(uv_loop_t* loop, ProcessTable& table) : loop_(loop), table_(table) {}

HealthMonitor::~HealthMonitor() {
    close();
}

void HealthMonitor::close() {
    closed_ = true;
    probed_.clear();
}

namespace {

bool probes_while(InstanceState s) {
    return s == InstanceState::kLaunching || s == InstanceState::kOnline;
}

}  // namespace

void HealthMonitor::follow() {
    if (closed_) return;
    std::map<int, int> wanted;  // id → pid
    for (auto [id, pid] : table_.running()) {
        const Instance* inst = table_.find(id);
        const App* app = inst ? table_.find_app(inst->app) : nullptr;
        if (!app || !probes_while(inst->state)) continue;
        const HealthChecks& h = app->spec.health;
        if (h.readiness.enabled() || h.liveness.enabled()) wanted[id] = pid;
    }
    for (auto it = probed_.begin(); it != probed_.end();) {
        auto w = wanted.find(it->first);
        if (w == wanted.end() || w->second != it->second.pid)
            it = probed_.erase(it);
        else
            ++it;
    }
    for (auto [id, pid] : wanted) {
        if (probed_.count(id)) continue;
        const HealthChecks& h = table_.find_app(table_.find(id)->app)->spec.health;
        Probed& p = probed_[id];
        p.pid = pid;
        if (h.readiness.enabled())
            p.readiness = make_slot(id, pid, ProbeRole::kReadiness, h.readiness);
        if (h.liveness.enabled()) p.liveness = make_slot(id, pid, ProbeRole::kLiveness, h.liveness);
    }
}

std::unique_ptr<HealthMonitor::Slot> HealthMonitor::make_slot(int id, int pid, ProbeRole role,
                                                              const Probe& probe) {
    auto slot = std::make_unique<Slot>();
    slot->monitor = this;
    slot->id = id;
    slot->pid = pid;
    slot->role = role;
    slot->probe = probe;
    slot->timer = uv::Handle<uv_timer_t>("probe timer", uv_timer_init, loop_, slot.get());
    uv::check(uv_timer_start(
                  slot->timer.get(),
                  [](uv_timer_t* t) {
                      uv::guarded("probe timer", [t] {
                          auto* s = static_cast<Slot*>(t->data);
                          s->monitor->fire(*s);
                      });
                  },
                  static_cast<std::uint64_t>(probe.initial_delay_ms),
                  static_cast<std::uint64_t>(probe.period_ms)),
              "uv_timer_start");
    return slot;
}

void HealthMonitor::fire(Slot& slot) {
    if (slot.inflight) return;  // the last attempt has not answered: skip this period
    // The answer clears the slot's attempt first: reporting it may change
    // the table, and following that may destroy the slot.
    Slot* s = &slot;
    ProbeDone done = [this, s](bool ok, const std::string& detail) {
        int id = s->id, pid = s->pid;
        ProbeRole role = s->role;
        s->inflight = nullptr;
        table_.on_probe_result(id, pid, role, ok, detail);
    };
    if (slot.probe.kind != ProbeKind::kExec) {
        slot.inflight = start_socket_check(loop_, slot.probe, std::move(done));
        return;
    }
    const Instance* inst = table_.find(slot.id);
    if (!inst) return;
    const AppSpec& spec = table_.find_app(inst->app)->spec;
    ExecContext context{inst->env.to_map(), spec.cwd, std::nullopt, slot.pid};
    try {
        context.run_as = resolve_run_as(spec.run_as, ::geteuid());
    } catch (const TendError& e) {
        // A user that went away since the start: the probe fails, and says why.
        table_.on_probe_result(slot.id, slot.pid, slot.role, false,
                               std::string("exec: ").append(e.what()));
        return;
    }
    slot.inflight = start_exec_check(loop_, slot.probe, context, pids_, std::move(done));
}

}  // namespace tend
