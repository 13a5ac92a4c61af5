// Turning `tend start`'s parsed options into the AppSpec the daemon gets.
// The conversion is pure: the shell's directory, environment and file
// checks come in a StartEnvironment, so tests inject them. -i max is not
// counted here: the daemon counts the CPUs it may use.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/env_file.h"
#include "cli/path_lookup.h"
#include "common/app_spec.h"
#include "common/paths.h"

namespace tend {

// The options as typed; values are validated by to_app_spec().
struct StartFlags {
    std::string script;
    std::vector<std::string> args;  // the words after `--`
    std::string name;
    std::string ns;  // --namespace; "" = "default"
    std::string instances = "1";
    std::string exec_mode;  // "" = PM2's default for the script and instance count
    std::string cwd;
    std::vector<std::string> env;  // KEY=VAL each
    std::string interpreter;
    bool no_autorestart = false;
    std::optional<std::string> max_restarts;
    std::optional<std::string> min_uptime;
    std::optional<std::string> restart_delay;
    std::optional<std::string> exp_backoff_restart_delay;
    std::optional<std::string> stop_exit_codes;
    std::optional<std::string> kill_timeout;
    std::optional<std::string> kill_signal;
    std::optional<std::string> max_memory_restart;
    std::optional<std::string> port;
    std::string host;
    bool wait_ready = false;
    std::optional<std::string> listen_timeout;
    bool time = false;
    std::string log_type;         // --log-type: "text" (default) or "json"
    std::string log_date_format;  // --log-date-format
    bool log_date_utc = false;    // --log-date-utc
    std::string output;
    std::string error;
    bool merge_logs = false;
    std::optional<std::string> max_size;  // log rotation; unset = the daemon's default
    std::optional<std::string> retain;
    std::optional<std::string> rotate_interval;
    std::optional<std::string> rotate_date_format;
    std::optional<bool> compress;
    std::vector<std::string> interpreter_args;  // --interpreter-args / --node-args, split
    std::string env_file;
    std::string instance_var;
    std::string increment_var;
    std::string uid;
    std::string gid;
    // Supervision (start_supervision.cpp): probes as --readiness/--liveness
    // text (a shorthand or a JSON object), depends_on (files only), cron, watch.
    std::optional<std::string> readiness;
    std::optional<std::string> liveness;
    std::map<std::string, std::string> depends_on;
    std::string cron_restart;
    std::string cron_timezone;
    bool cron_overlap = false;
    bool watch = false;
    std::vector<std::string> watch_paths;  // relative to --cwd
    std::vector<std::string> ignore_watch;
    std::optional<std::string> watch_delay;
    bool watch_reload = false;

    bool operator==(const StartFlags&) const = default;
};

// Where `tend start` runs, as the conversion sees it.
struct StartEnvironment {
    std::string cwd;                         // the shell's directory, absolute
    std::map<std::string, std::string> env;  // the shell's environment; PATH is read here
    FileCheck is_file;                       // a regular file at this absolute path
    FileCheck is_executable;                 // an executable regular file at this absolute path
    // The variables of an env file: (absolute path, the path as typed).
    std::function<std::map<std::string, std::string>(const std::string&, const std::string&)>
        read_env_file = load_env_file;
    FileCheck is_directory;  // a directory at this absolute path; empty = never
};

// The real environment: current directory, environ, stat.
StartEnvironment current_start_environment();

// The spec for flags. Bad values throw UsageError with the option named;
// a script that is nowhere throws TendError "script 'x' not found"; then
// common's validate() runs.
AppSpec to_app_spec(const StartFlags& flags, const StartEnvironment& env);

// --exec-mode: "fork" or "cluster" (or PM2's "fork_mode", "cluster_mode"),
// canonical; "" stays ""; throws UsageError.
std::string parse_exec_mode(const std::string& text);

// A warning when spec asks for cluster mode that its program cannot run
// in (only a Node script can be a Node cluster worker), else "".
std::string exec_mode_warning(const AppSpec& spec);

// --max-memory-restart: "200M", "1G", "512K" or bytes; throws UsageError.
std::int64_t parse_memory_limit(std::string_view text);

// -i as the spec carries it: a count 1..kMaxAppInstances, or a word that
// counts the daemon's CPUs ("max" or "0" = every usable CPU, "-N" = N
// fewer, at least 1: common's per_cpu_word), which the daemon resolves.
struct InstancesFlag {
    int count = 1;
    std::string per_cpu;  // canonical word; "" = count

    bool operator==(const InstancesFlag&) const = default;
};
// Throws UsageError naming --instances.
InstancesFlag parse_instances(std::string_view text);

// --env KEY=VAL pairs into a map; a pair without '=' or key throws.
std::map<std::string, std::string> parse_env_pairs(const std::vector<std::string>& pairs);

// --stop-exit-codes "0,3" into [0, 3].
std::vector<int> parse_stop_exit_codes(std::string_view text);

// --kill-signal SIGTERM / TERM / 15 into its canonical name ("SIGTERM").
std::string canonical_signal(std::string_view text);

// The script as the daemon should run it: a file under dir (absolute
// already or made so), else a bare word found in PATH, else TendError.
std::string resolve_script(const std::string& script, const std::string& dir,
                           const StartEnvironment& env);

// A script run without an interpreter must be executable: throws
// TendError naming it as typed otherwise, before anything is started.
void check_runnable(const AppSpec& spec, const std::string& typed, const StartEnvironment& env);

// --readiness, --liveness, depends_on, --cron-restart, --watch... into spec
// (cli/start_supervision.cpp); throws UsageError naming the option.
void apply_supervision_flags(const StartFlags& flags, AppSpec& spec);

// The app name a script gets by default: its file name without extension.
std::string default_app_name(std::string_view script);

}  // namespace tend
