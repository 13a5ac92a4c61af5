// The conversion of start options into an AppSpec, value by value, with the
// exact error texts of docs/cli.md.
#include "cli/start_options.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "cli/usage_error.h"
#include "common/environment.h"
#include "common/log_format.h"
#include "common/signals.h"
#include "common/text.h"

namespace tend {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

void apply_restart_flags(const StartFlags& f, RestartPolicy& r) {
    r.autorestart = !f.no_autorestart;
    if (f.max_restarts) r.max_restarts = parse_option_small_int("--max-restarts", *f.max_restarts);
    if (f.min_uptime) r.min_uptime_ms = parse_option_int("--min-uptime", *f.min_uptime);
    if (f.restart_delay) r.restart_delay_ms = parse_option_int("--restart-delay", *f.restart_delay);
    if (f.exp_backoff_restart_delay)
        r.exp_backoff_restart_delay_ms =
            parse_option_int("--exp-backoff-restart-delay", *f.exp_backoff_restart_delay);
    if (f.kill_timeout) r.kill_timeout_ms = parse_option_int("--kill-timeout", *f.kill_timeout);
    if (f.stop_exit_codes) r.stop_exit_codes = parse_stop_exit_codes(*f.stop_exit_codes);
    if (f.kill_signal) r.kill_signal = canonical_signal(*f.kill_signal);
    if (f.max_memory_restart) r.max_memory_bytes = parse_memory_limit(*f.max_memory_restart);
}

void apply_listen_flags(const StartFlags& f, ListenOptions& l) {
    if (f.port) {
        auto port = parse_int(*f.port);
        if (!port || *port < 1 || *port > 65535)
            throw UsageError("--port: expected a port number 1..65535, got '" + *f.port + "'");
        l.port = static_cast<int>(*port);
    }
    if (!f.host.empty()) {
        if (!f.port) throw UsageError("--host needs --port");
        l.host = f.host;
    }
    l.wait_ready = f.wait_ready;
    if (f.listen_timeout)
        l.listen_timeout_ms = parse_option_int("--listen-timeout", *f.listen_timeout);
}

// The app's own environment: an env file's variables under --env's, since
// a value set explicitly should win over a shared file (as dotenv never
// overrides a variable that is already set).
std::map<std::string, std::string> app_env(const StartFlags& f, const std::string& cwd,
                                           const StartEnvironment& env) {
    std::map<std::string, std::string> vars;
    if (!f.env_file.empty()) vars = env.read_env_file(absolute_path(f.env_file, cwd), f.env_file);
    for (auto& [key, value] : parse_env_pairs(f.env)) vars[key] = std::move(value);
    return vars;
}

void apply_extra_flags(const StartFlags& f, AppSpec& spec) {
    spec.interpreter_args = f.interpreter_args;
    if (!f.env_file.empty()) spec.env_file = absolute_path(f.env_file, spec.cwd);
    if (!f.instance_var.empty()) spec.vars.instance_var = f.instance_var;
    spec.vars.increment_var = f.increment_var;
    spec.run_as = RunAs{f.uid, f.gid};
}

// -i max, 0 and -N ask for cluster mode whatever count they come to, as
// under PM2: on one CPU `-i max` is still a Node cluster of one.
void apply_exec_mode(const StartFlags& f, AppSpec& spec) {
    spec.exec_mode = parse_exec_mode(f.exec_mode);
    bool per_cpu = !spec.instances_per_cpu.empty();
    if (spec.exec_mode.empty() && per_cpu && runs_node(spec)) spec.exec_mode = "cluster";
}

// --max-size, --retain, --rotate-interval, --compress, --rotate-date-format.
LogRotation rotation_flags(const StartFlags& f) {
    LogRotation r;
    if (f.max_size) {
        r.max_size = parse_rotation_size(*f.max_size);
        if (!r.max_size)
            throw UsageError(
                "--max-size: expected a size such as 10M, 512K or 1G (0: never), got '" +
                *f.max_size + "'");
    }
    if (f.retain) {
        auto count = parse_int(*f.retain);
        if (!count || *count > kMaxRetain)
            throw UsageError("--retain: expected a count from 0 to " + std::to_string(kMaxRetain) +
                             ", got '" + *f.retain + "'");
        r.retain = static_cast<int>(*count);
    }
    if (f.rotate_interval) {
        if (!parse_rotation_interval(*f.rotate_interval))
            throw UsageError(
                "--rotate-interval: expected daily, hourly, none or a duration of at least 1s "
                "such as 6h, got '" +
                *f.rotate_interval + "'");
        r.interval = *f.rotate_interval;
    }
    r.compress = f.compress;
    r.date_format = f.rotate_date_format;
    return r;
}

std::string log_path(const std::string& path, const std::string& cwd) {
    return path.empty() ? "" : absolute_path(path, cwd);
}

// --log-type and --log-date-format are checked here, naming the option,
// before the daemon's validate() would refuse them.
void apply_log_format_flags(const StartFlags& f, LogOptions& logs) {
    try {
        parse_log_type(f.log_type);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--log-type: ") + e.what());
    }
    try {
        if (!f.log_date_format.empty()) DateFormat::parse(f.log_date_format);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--log-date-format: ") + e.what());
    }
    logs.log_type = f.log_type;
    logs.date_format = f.log_date_format;
    logs.date_utc = f.log_date_utc;
}

}  // namespace

std::int64_t parse_memory_limit(std::string_view text) {
    if (auto bytes = parse_size(text)) return *bytes;
    throw UsageError("--max-memory-restart: expected a size such as 200M, 1G or 512K, got '" +
                     std::string(text) + "'");
}

StartEnvironment current_start_environment() {
    return StartEnvironment{std::filesystem::current_path().string(),
                            current_environment(),
                            is_regular_file,
                            is_executable_file,
                            load_env_file,
                            is_directory};
}

AppSpec to_app_spec(const StartFlags& flags, const StartEnvironment& env) {
    if (flags.script.empty())
        throw UsageError("a script is required: tend start <script|binary> [options] [-- args...]");
    AppSpec spec;
    InstancesFlag instances = parse_instances(flags.instances);
    spec.instances = instances.count;
    spec.instances_per_cpu = instances.per_cpu;
    apply_restart_flags(flags, spec.restart);
    spec.cwd = flags.cwd.empty() ? env.cwd : absolute_path(flags.cwd, env.cwd);
    spec.env = app_env(flags, spec.cwd, env);
    spec.script = resolve_script(flags.script, spec.cwd, env);
    spec.name = flags.name.empty() ? default_app_name(flags.script) : flags.name;
    if (!flags.ns.empty()) spec.ns = flags.ns;
    spec.args = flags.args;
    spec.interpreter = flags.interpreter;
    check_runnable(spec, flags.script, env);
    spec.base_env = env.env;
    spec.logs.time = flags.time;
    spec.logs.out_file = log_path(flags.output, spec.cwd);
    spec.logs.error_file = log_path(flags.error, spec.cwd);
    spec.logs.merge_logs = flags.merge_logs;
    apply_log_format_flags(flags, spec.logs);
    spec.logs.rotation = rotation_flags(flags);
    apply_listen_flags(flags, spec.listen);
    apply_extra_flags(flags, spec);
    apply_exec_mode(flags, spec);
    apply_supervision_flags(flags, spec);
    validate(spec);
    return spec;
}

std::string parse_exec_mode(const std::string& text) {
    std::string mode = canonical_exec_mode(text);
    if (mode.empty() || mode == "fork" || mode == "cluster") return mode;
    throw UsageError("--exec-mode: expected 'fork' or 'cluster', got '" + text + "'");
}

std::string exec_mode_warning(const AppSpec& spec) {
    if (spec.exec_mode != "cluster" || runs_node(spec)) return "";
    return "'" + spec.name +
           "' is not a Node script, so its instances run in fork mode (exec_mode 'cluster' "
           "makes Node cluster workers)";
}

InstancesFlag parse_instances(std::string_view text) {
    if (auto word = per_cpu_word(text)) return InstancesFlag{1, *word};
    auto n = parse_int(text);
    if (!n)
        throw UsageError("--instances: expected a number, 'max' or -N, got '" + std::string(text) +
                         "'");
    if (*n > kInstancesCeiling)
        throw UsageError("--instances: at most " + std::to_string(kInstancesCeiling) + ", got '" +
                         std::string(text) + "'");
    return InstancesFlag{static_cast<int>(*n), ""};
}

std::map<std::string, std::string> parse_env_pairs(const std::vector<std::string>& pairs) {
    std::map<std::string, std::string> env;
    for (const auto& pair : pairs) {
        auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("--env: expected KEY=VALUE, got '" + pair + "'");
        env[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    return env;
}

std::vector<int> parse_stop_exit_codes(std::string_view text) {
    std::vector<int> codes;
    std::string_view rest = text;
    for (;;) {
        auto comma = rest.find(',');
        auto code = parse_int(trim(rest.substr(0, comma)));
        if (!code || *code > 255)
            throw UsageError("--stop-exit-codes: expected exit codes separated by commas, got '" +
                             std::string(text) + "'");
        codes.push_back(static_cast<int>(*code));
        if (comma == std::string_view::npos) return codes;
        rest = rest.substr(comma + 1);
    }
}

std::string canonical_signal(std::string_view text) {
    int number = signal_number(text);
    if (number == 0) throw UsageError("--kill-signal: unknown signal '" + std::string(text) + "'");
    std::string name = signal_name(number);
    // A signal without a name in tend's table ("SIG40") is kept as its number.
    return signal_number(name) == number ? name : std::to_string(number);
}

std::string resolve_script(const std::string& script, const std::string& dir,
                           const StartEnvironment& env) {
    std::string candidate = absolute_path(script, dir);
    if (env.is_file(candidate)) return candidate;
    if (env.is_directory && env.is_directory(candidate))
        throw TendError(ErrorCode::kBadRequest,
                        "script '" + script + "' is a directory, not a program to run");
    if (script.find('/') != std::string::npos)
        throw TendError(ErrorCode::kNotFound,
                        "script '" + script + "' not found: no file " + candidate);
    auto path = env.env.find("PATH");
    std::string_view path_var = path == env.env.end() ? "" : std::string_view(path->second);
    if (auto found = search_path(script, path_var, env.is_executable))
        return absolute_path(*found, env.cwd);
    throw TendError(ErrorCode::kNotFound,
                    "script '" + script + "' not found in " + dir + " or in PATH");
}

void check_runnable(const AppSpec& spec, const std::string& typed, const StartEnvironment& env) {
    std::string interpreter =
        spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
    bool runs_itself = interpreter.empty() || interpreter == "none";
    if (!runs_itself || env.is_executable(spec.script)) return;
    std::string why = spec.interpreter == "none"
                          ? "with --interpreter none it must be"
                          : "tend knows no interpreter for it (give --interpreter)";
    throw TendError(ErrorCode::kBadRequest, "script '" + typed + "' is not executable, and " + why);
}

std::string default_app_name(std::string_view script) {
    std::string stem = std::filesystem::path(script).stem().string();
    return stem.empty() ? std::string(script) : stem;
}

}  // namespace tend
