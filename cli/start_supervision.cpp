// The start options of how tend watches over an app beyond its exits:
// probes, dependencies, cron restarts and file watching.
#include <filesystem>

#include "cli/start_options.h"
#include "cli/usage_error.h"
#include "common/errors.h"
#include "common/paths.h"
#include "common/probe_spec.h"
#include "common/text.h"

namespace tend {
namespace {

Probe probe_flag(const std::optional<std::string>& text, const std::string& option) {
    if (!text) return {};
    try {
        return parse_probe_flag(*text, option);
    } catch (const TendError& e) {
        throw UsageError(e.what());
    }
}

void apply_watch_flags(const StartFlags& f, AppSpec& spec) {
    WatchOptions& w = spec.watch;
    w.enabled = f.watch || !f.watch_paths.empty();
    if (!w.enabled) {
        if (!f.ignore_watch.empty() || f.watch_delay || f.watch_reload)
            throw UsageError("--ignore-watch, --watch-delay and --watch-reload need --watch");
        return;
    }
    for (const auto& path : f.watch_paths) w.paths.push_back(absolute_path(path, spec.cwd));
    w.ignore = f.ignore_watch;
    if (f.watch_delay) {
        auto ms = parse_duration_ms(*f.watch_delay);
        if (!ms)
            throw UsageError("--watch-delay: expected a duration such as 1000 or 2s, got '" +
                             *f.watch_delay + "'");
        w.delay_ms = *ms;
    }
    w.reload = f.watch_reload;
}

}  // namespace

void apply_supervision_flags(const StartFlags& f, AppSpec& spec) {
    spec.health.readiness = probe_flag(f.readiness, "--readiness");
    spec.health.liveness = probe_flag(f.liveness, "--liveness");
    spec.depends_on = f.depends_on;
    spec.schedule = Schedule{f.cron_restart, f.cron_timezone, f.cron_overlap};
    if (spec.schedule.cron.empty() && (!f.cron_timezone.empty() || f.cron_overlap))
        throw UsageError("--cron-timezone and --cron-overlap need --cron-restart");
    apply_watch_flags(f, spec);
}

}  // namespace tend
