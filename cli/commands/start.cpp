// `tend start <script|binary> [options] [-- args...]`: build the AppSpec from
// the options, ask the daemon to start it, print the table. `tend start FILE`
// starts the apps of an ecosystem file instead, one request per app.
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "cli/commands/commands.h"
#include "cli/ecosystem/dependency_order.h"
#include "cli/ecosystem/ecosystem_file.h"
#include "cli/ecosystem/ecosystem_loader.h"
#include "cli/start_options.h"
#include "cli/usage_error.h"
#include "common/commands.h"
#include "common/messages.h"
#include "common/text.h"

namespace tend {
namespace {

// An option whose value is validated later; absent stays nullopt.
void add_optional(CLI::App& app, const std::string& name, std::optional<std::string>& value,
                  const std::string& help, const std::string& type_name) {
    app.add_option_function<std::string>(
           name, [&value](const std::string& text) { value = text; }, help)
        ->type_name(type_name)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_process_options(CLI::App& app, StartFlags& f) {
    app.add_option("script", f.script, "script or binary to run")->type_name("SCRIPT");
    add_value_option(app, "--name", f.name,
                     "app name (default: script file name without extension)", "NAME");
    add_value_option(app, "--namespace", f.ns,
                     "a group of apps, a target for every command (default: default)", "NS");
    add_value_option(app, "-i,--instances", f.instances,
                     "instances: a number, 'max' (or 0) = CPU count, -1 = CPU count - 1", "N");
    add_value_option(app, "--cwd", f.cwd, "working directory; the script is resolved against it",
                     "DIR");
    app.add_option("--env", f.env,
                   "extra environment variable (repeatable); with a file, NAME picks env_NAME")
        ->type_name("KEY=VAL|NAME")
        ->allow_extra_args(false);
    add_value_option(app, "--exec-mode", f.exec_mode,
                     "cluster: a Node script's instances share what they listen on (default "
                     "with -i > 1); fork: independent processes",
                     "fork|cluster");
    add_value_option(app, "--interpreter", f.interpreter,
                     "run the script with PATH; 'none' executes it directly", "PATH|none");
}

// --interpreter-args and PM2's --node-args: one string, split into words as
// a shell would ("--import tsx"), without running one.
void add_interpreter_args(CLI::App& app, StartFlags& f) {
    for (const char* name : {"--interpreter-args", "--node-args"})
        app.add_option_function<std::string>(
               name,
               [&f](const std::string& text) { f.interpreter_args = split_command_words(text); },
               "arguments for the interpreter, before the script (e.g. "
               "--node-args=\"--max-old-space-size=256\")")
            ->type_name("ARGS")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// The environment and identity of each instance.
void add_instance_options(CLI::App& app, StartFlags& f) {
    add_value_option(app, "--env-file", f.env_file,
                     "dotenv file of variables, relative to --cwd; --env wins over it", "PATH");
    add_value_option(app, "--instance-var", f.instance_var,
                     "variable holding the instance index (default NODE_APP_INSTANCE)", "NAME");
    add_value_option(app, "--increment-var", f.increment_var,
                     "variable whose value goes up by one per instance (e.g. PORT)", "NAME");
    add_value_option(app, "--uid", f.uid, "run as this user (the daemon must run as root)", "USER");
    add_value_option(app, "--gid", f.gid, "run with this group (default: the --uid user's group)",
                     "GROUP");
}

void add_restart_options(CLI::App& app, StartFlags& f) {
    app.add_flag("--no-autorestart", f.no_autorestart, "never restart on exit");
    add_optional(app, "--max-restarts", f.max_restarts,
                 "unstable restarts in a row before 'errored' (default 16)", "N");
    add_optional(app, "--min-uptime", f.min_uptime,
                 "an exit sooner than this after start is unstable (default 1000)", "MS");
    add_optional(app, "--restart-delay", f.restart_delay,
                 "wait before each automatic restart (default 0)", "MS");
    add_optional(app, "--exp-backoff-restart-delay", f.exp_backoff_restart_delay,
                 "first restart delay, doubling up to 15 s (default off)", "MS");
    add_optional(app, "--stop-exit-codes", f.stop_exit_codes,
                 "exits with these codes are final, e.g. 0,3", "CODES");
    add_optional(app, "--kill-timeout", f.kill_timeout,
                 "SIGKILL the process group this long after the stop signal (default 1600)", "MS");
    add_optional(app, "--kill-signal", f.kill_signal, "stop signal (default SIGINT)", "SIG");
    add_optional(app, "--max-memory-restart", f.max_memory_restart,
                 "restart gracefully when memory stays above this (K, M, G suffixes)", "SIZE");
}

void add_cluster_options(CLI::App& app, StartFlags& f) {
    add_optional(app, "--port", f.port,
                 "bind this port before start and share it with every instance (fd 3)", "PORT");
    add_value_option(app, "--host", f.host, "address to bind --port on (default 0.0.0.0)", "ADDR");
    app.add_flag("--wait-ready", f.wait_ready,
                 "online only once the instance says ready (process.send('ready') or READY=1)");
    add_optional(app, "--listen-timeout", f.listen_timeout,
                 "with --wait-ready: online anyway after this long (default 3000)", "MS");
}

void add_log_options(CLI::App& app, StartFlags& f) {
    app.add_flag("--time", f.time, "prefix every log line with a timestamp");
    add_value_option(app, "--log-type", f.log_type,
                     "json: every line as one JSON object {time, app, id, instance, stream, "
                     "message} (default text)",
                     "text|json");
    add_value_option(app, "--log-date-format", f.log_date_format,
                     "prefix every line with its time in this format: 'YYYY-MM-DD HH:mm:ss.SSS' "
                     "or strftime's '%F %T.%L'",
                     "FORMAT");
    app.add_flag("--log-date-utc", f.log_date_utc, "the --log-date-format time in UTC, not local");
    add_value_option(app, "-o,--output", f.output,
                     "stdout log file (-<id> is added per instance without --merge-logs)", "FILE");
    add_value_option(app, "-e,--error", f.error, "stderr log file (likewise)", "FILE");
    app.add_flag("--merge-logs", f.merge_logs, "one pair of log files for all instances");
    add_optional(app, "--max-size", f.max_size,
                 "rotate a log file at this size (default 10M; 0: never)", "SIZE");
    add_optional(app, "--retain", f.retain, "rotated archives kept per log file (default 30)", "N");
    add_optional(app, "--rotate-interval", f.rotate_interval,
                 "also rotate daily, hourly or every DURATION (default none)", "WHEN");
    app.add_flag_function(
        "--compress", [&f](std::int64_t) { f.compress = true; },
        "gzip rotated archives (default off)");
    add_optional(app, "--rotate-date-format", f.rotate_date_format,
                 "strftime date in archive names (default %Y-%m-%d_%H-%M-%S)", "FMT");
}

// "7-9, 12": the ids of a group of instances, short however many.
std::string id_ranges(const std::vector<int>& ids) {
    std::string text;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!text.empty()) text += ", ";
        text += std::to_string(ids[i]);
        if (j > i) text += "-" + std::to_string(ids[j]);
        i = j + 1;
    }
    return text;
}

// A line on stderr per reason the start left instances errored (out of
// descriptors, say): the others run, and the exit code says not all do.
bool report_errored(const std::string& name, const std::vector<InstanceInfo>& instances) {
    std::map<std::string, std::vector<int>> by_reason;
    for (const auto& i : instances)
        if (i.status == InstanceState::kErrored) by_reason[i.restart_reason_detail].push_back(i.id);
    for (const auto& [reason, ids] : by_reason)
        std::fprintf(stderr, "tend: error: %zu of %zu instance(s) of '%s' errored (id %s): %s\n",
                     ids.size(), instances.size(), name.c_str(), id_ranges(ids).c_str(),
                     reason.empty() ? "it could not be started" : reason.c_str());
    return !by_reason.empty();
}

void warn_exec_mode(const AppSpec& spec) {
    if (std::string warning = exec_mode_warning(spec); !warning.empty())
        std::fprintf(stderr, "tend: warning: %s\n", warning.c_str());
}

// The file says how each app runs; an option that would silently lose to
// it (or be applied to every app) is refused instead.
void reject_app_options(const StartFlags& flags, const CommandContext& ctx) {
    StartFlags file_only;
    file_only.script = flags.script;
    file_only.env = flags.env;
    if (!(flags == file_only) || !ctx.passthrough.empty())
        throw UsageError(
            "with an ecosystem file, only --only, --env, --no-deps and --deps-timeout apply: "
            "set the other options in the file");
}

// What `tend start FILE` takes besides the file.
struct FileStartOptions {
    std::string only;
    bool no_deps = false;
    std::string deps_timeout = "5m";  // kDependencyTimeout
};

// --only's apps and, unless --no-deps, what they depend on in the file.
EcosystemApps selected_apps(const StartFlags& flags, const FileStartOptions& options) {
    EcosystemApps apps = load_ecosystem_apps(flags.script, options.only, flags.env);
    if (options.no_deps || options.only.empty()) return apps;
    std::set<std::string> chosen;
    for (const auto& spec : apps.specs) chosen.insert(spec.name);
    std::set<std::string> needed = with_dependencies(dependencies_of(apps.specs), chosen);
    if (needed.size() == chosen.size()) return apps;
    EcosystemApps all = load_ecosystem_apps(flags.script, "", flags.env);
    std::erase_if(all.specs, [&](const AppSpec& s) { return !needed.count(s.name); });
    all.warnings = std::move(apps.warnings);
    return all;
}

std::chrono::milliseconds deps_timeout(const std::string& text) {
    auto ms = parse_duration_ms(text);
    if (!ms || *ms <= 0)
        throw UsageError("--deps-timeout: expected a duration such as 5m or 90s, got '" + text +
                         "'");
    return std::chrono::milliseconds(*ms);
}

int run_file_start(const StartFlags& flags, const FileStartOptions& options, CommandContext& ctx) {
    reject_app_options(flags, ctx);
    auto timeout = deps_timeout(options.deps_timeout);
    EcosystemApps apps = selected_apps(flags, options);
    for (const auto& warning : apps.warnings)
        std::fprintf(stderr, "tend: warning: %s\n", warning.c_str());
    bool ok = start_in_dependency_order(std::move(apps.specs), options.no_deps, timeout, ctx);
    print_instance_table(ctx);
    return ok ? 0 : 1;
}

int run_start(StartFlags& flags, const FileStartOptions& file, CommandContext& ctx) {
    if (is_ecosystem_file(flags.script)) return run_file_start(flags, file, ctx);
    if (!file.only.empty()) throw UsageError("--only needs an ecosystem file to start");
    if (file.no_deps) throw UsageError("--no-deps needs an ecosystem file to start");
    flags.args = ctx.passthrough;
    AppSpec spec = to_app_spec(flags, current_start_environment());
    warn_exec_mode(spec);
    std::string name = spec.name;
    auto started = decode_result<InstancesResult>(ctx.call(StartArgs{std::move(spec)}));
    print_now("[tend] started '" + name + "' (" + std::to_string(started.instances.size()) +
              " instance(s))\n");
    print_instance_table(ctx);
    return report_errored(name, started.instances) ? 1 : 0;
}

}  // namespace

bool start_file_app(AppSpec spec, CommandContext& ctx) {
    std::string name = spec.name;
    warn_exec_mode(spec);
    try {
        auto started =
            decode_result<InstancesResult>(ctx.call(cmd::kStart, StartArgs{std::move(spec)}));
        print_now("[tend] started '" + name + "' (" + std::to_string(started.instances.size()) +
                  " instance(s))\n");
        return !report_errored(name, started.instances);
    } catch (const TendError& e) {
        std::fprintf(stderr, "tend: error: %s\n", e.what());
        return false;
    }
}

CommandRunner setup_start(CLI::App& app) {
    auto flags = std::make_shared<StartFlags>();
    auto file = std::make_shared<FileStartOptions>();
    add_process_options(app, *flags);
    add_interpreter_args(app, *flags);
    add_instance_options(app, *flags);
    add_value_option(app, "--only", file->only,
                     "with an ecosystem file: start only these apps (and what they depend on)",
                     "APP,APP");
    app.add_flag("--no-deps", file->no_deps,
                 "with an ecosystem file: start the apps without their depends_on");
    add_value_option(app, "--deps-timeout", file->deps_timeout,
                     "with an ecosystem file: how long an app waits for its dependencies "
                     "(default 5m)",
                     "DURATION");
    add_restart_options(app, *flags);
    add_log_options(app, *flags);
    add_cluster_options(app, *flags);
    add_supervision_options(app, *flags);
    app.footer(
        "Words after -- are passed to the script: tend start server.js -- --port 3000\n"
        "An ecosystem file (*.config.js, .json, .yaml) starts its apps: tend start "
        "ecosystem.config.js --env production --only api");
    return [flags, file](CommandContext& ctx) { return run_start(*flags, *file, ctx); };
}

}  // namespace tend
