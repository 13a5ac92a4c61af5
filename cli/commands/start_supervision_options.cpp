// `tend start`'s options for what tend watches beyond exits: health probes,
// cron restarts and file watching (cli/start_supervision.cpp reads them).
#include "cli/commands/commands.h"
#include "cli/start_options.h"

namespace tend {
namespace {

void add_probe_options(CLI::App& app, StartFlags& f) {
    const char* forms = "http://HOST:PORT/PATH, tcp:PORT, exec:COMMAND or a JSON probe object";
    app.add_option_function<std::string>(
           "--readiness", [&f](const std::string& text) { f.readiness = text; },
           std::string("readiness probe: online (and reloaded, and depended on) only once it "
                       "passes; ") +
               forms)
        ->type_name("PROBE")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option_function<std::string>(
           "--liveness", [&f](const std::string& text) { f.liveness = text; },
           std::string("liveness probe: restart the instance when it fails; ") + forms)
        ->type_name("PROBE")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_cron_options(CLI::App& app, StartFlags& f) {
    add_value_option(app, "--cron-restart,-c,--cron", f.cron_restart,
                     "restart at these times (cron: 5 fields, or 6 with seconds); with "
                     "--no-autorestart, run as a cron job",
                     "'M H DOM MON DOW'");
    add_value_option(app, "--cron-timezone", f.cron_timezone,
                     "the time zone of --cron-restart (default: the daemon's)", "ZONE");
    app.add_flag("--cron-overlap", f.cron_overlap,
                 "a cron job may start while its last run still goes (default: skip that time)");
}

void add_watch_options(CLI::App& app, StartFlags& f) {
    app.add_flag("--watch", f.watch, "restart when a file under --cwd changes");
    app.add_option("--watch-path", f.watch_paths,
                   "watch this path instead of --cwd (repeatable; implies --watch)")
        ->type_name("PATH")
        ->allow_extra_args(false);
    app.add_option("--ignore-watch", f.ignore_watch,
                   "globs not to watch (repeatable; node_modules, .git and logs are never watched)")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    app.add_option_function<std::string>(
           "--watch-delay", [&f](const std::string& text) { f.watch_delay = text; },
           "act this long after the last change (default 1000)")
        ->type_name("MS")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("--watch-reload", f.watch_reload, "reload instead of restart on a change");
}

}  // namespace

void add_supervision_options(CLI::App& app, StartFlags& f) {
    add_probe_options(app, f);
    add_cron_options(app, f);
    add_watch_options(app, f);
}

}  // namespace tend
