// cron_restart: each app with a schedule has its next firing as a table
// deadline. At a firing a running instance restarts gracefully (reason
// "cron"); a stopped one stays stopped; a cron job (a one-shot app, autorestart
// false) runs once from completed, stopped after a failure, or errored, and
// never twice at once unless cron_overlap is set, which restarts the run
// still going instead of skipping the time.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/cron_schedule.h"
#include "daemon/process/process_table.h"

namespace tend {
namespace {

bool is_cron_job(const AppSpec& spec) {
    return !spec.restart.autorestart;
}

RestartReason cron_reason(const AppSpec& spec) {
    return {"cron", "cron_restart '" + spec.schedule.cron + "'"};
}

}  // namespace

void ProcessTable::arm_schedule(App& app) {
    app.next_run_wall_ms = 0;
    app.schedule_check_ms = 0;
    const Schedule& schedule = app.spec.schedule;
    if (schedule.cron.empty()) return;
    std::int64_t wall = clock_.wall_ms();
    std::int64_t now = clock_.now_ms();
    try {
        auto next = CronSchedule::parse(schedule.cron).next_after(wall, schedule.timezone);
        app.next_run_wall_ms = next.value_or(0);
    } catch (const CronError& e) {
        // validate() let it in, so the zone file went away since: try again later.
        spdlog::warn("cron: {}: {}", app.spec.name, e.what());
    }
    std::int64_t wait = kScheduleRecheckMs;
    if (app.next_run_wall_ms != 0)
        wait = std::clamp<std::int64_t>(app.next_run_wall_ms - wall, 0, kScheduleRecheckMs);
    app.schedule_check_ms = now + wait;
}

void ProcessTable::run_due_schedules(std::int64_t now) {
    for (auto& [name, app] : apps_) {
        if (app.schedule_check_ms == 0 || app.schedule_check_ms > now) continue;
        // The wall clock decides, read again now: the monotonic deadline was
        // only its estimate. Early (the clock went back): nothing fires and
        // the next firing is found again from the clock as it reads now.
        if (app.next_run_wall_ms != 0 && clock_.wall_ms() >= app.next_run_wall_ms)
            for (int id : app.ids) fire_schedule(app, instances_.at(id));
        arm_schedule(app);
    }
}

void ProcessTable::fire_schedule(const App& app, Instance& inst) {
    const AppSpec& spec = app.spec;
    bool job = is_cron_job(spec);
    switch (inst.state) {
        case InstanceState::kLaunching:
        case InstanceState::kOnline:
            if (job && !spec.schedule.overlap) {
                spdlog::info(
                    "cron: {} ({}:{}) skips {}: its last run is still running "
                    "(cron_overlap is off)",
                    spec.name, inst.id, inst.index, spec.schedule.cron);
                return;
            }
            begin_stop(inst, AfterStop::kRestart, cron_reason(spec));
            return;
        case InstanceState::kStopped:
        case InstanceState::kCompleted:
        case InstanceState::kErrored:
            // An app the user stopped stays stopped; so does a cron job
            // until the user restarts it. Any other cron job runs again.
            if (!job || inst.schedule_paused) return;
            inst.history = RestartHistory{};
            count_restart(inst, cron_reason(spec));
            spawn_or_error(inst);
            return;
        default:
            return;  // stopping, waiting to restart or for a change: it is under way
    }
}

std::optional<std::int64_t> ProcessTable::next_schedule_check() const {
    std::optional<std::int64_t> next;
    for (const auto& [name, app] : apps_)
        if (app.schedule_check_ms != 0 && (!next || app.schedule_check_ms < *next))
            next = app.schedule_check_ms;
    return next;
}

void ProcessTable::resume_schedules() {
    for (auto& [name, app] : apps_)
        if (!app.spec.schedule.cron.empty()) app.schedule_check_ms = clock_.now_ms();
}

}  // namespace tend
