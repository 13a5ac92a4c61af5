// AppSpec's JSON form and its checks.
#include "common/app_spec.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "common/cron_schedule.h"
#include "common/log_format.h"
#include "common/probe_spec.h"
#include "common/signals.h"
#include "common/text.h"

namespace tend {
namespace {

std::string type_name(const json& v) {
    return v.is_null() ? "null" : v.type_name();
}

// Whether v converts to T as it is: nlohmann converts a float (1e26) to an
// int with undefined behaviour, and a wide integer by wrapping.
template <typename T>
bool converts_exactly(const json& v) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (v.is_number_unsigned())
            return v.get<std::uint64_t>() <=
                   static_cast<std::uint64_t>(std::numeric_limits<T>::max());
        if (!v.is_number_integer()) return !v.is_number();  // a string, say: get<T> refuses it
        auto i = v.get<std::int64_t>();
        return i >= std::numeric_limits<T>::min() && i <= std::numeric_limits<T>::max();
    } else if constexpr (std::is_same_v<T, std::vector<int>>) {
        if (!v.is_array()) return true;
        return std::all_of(v.begin(), v.end(),
                           [](const json& e) { return converts_exactly<int>(e); });
    } else {
        return true;
    }
}

// Reads key into out when present; throws with the key and expected type.
template <typename T>
void read_field(const json& j, const char* key, T& out, const char* expected) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return;
    auto refuse = [&] {
        throw TendError(ErrorCode::kBadRequest, std::string("'") + key + "' must be " + expected +
                                                    ", not " + type_name(*it));
    };
    if (!converts_exactly<T>(*it)) refuse();
    try {
        out = it->get<T>();
    } catch (const json::exception&) {
        refuse();
    }
}

// A name or namespace must not read as another kind of target: a number is
// an id, "all" is everything, a '/' makes a script path.
bool is_target_word(const std::string& word) {
    return !word.empty() && word.find_first_of("/\n\t ") == std::string::npos && word != "all" &&
           word.find_first_not_of("0123456789") != std::string::npos;
}

}  // namespace

std::string default_interpreter(const std::string& script) {
    auto ext = std::filesystem::path(script).extension().string();
    if (ext == ".js" || ext == ".mjs" || ext == ".cjs") return "node";
    if (ext == ".py") return "python3";
    if (ext == ".sh") return "bash";
    return "";
}

std::vector<std::string> command_line(const AppSpec& spec) {
    std::vector<std::string> argv;
    std::string interp =
        spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
    if (!interp.empty() && interp != "none") {
        argv.push_back(interp);
        argv.insert(argv.end(), spec.interpreter_args.begin(), spec.interpreter_args.end());
    }
    argv.push_back(spec.script);
    argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    return argv;
}

bool runs_node(const AppSpec& spec) {
    std::string interp =
        spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
    return std::filesystem::path(interp).filename().string().rfind("node", 0) == 0;
}

std::string canonical_exec_mode(const std::string& mode) {
    if (mode == "fork_mode") return "fork";
    if (mode == "cluster_mode") return "cluster";
    return mode;
}

std::optional<std::string> per_cpu_word(std::string_view text) {
    if (text == "max") return "max";
    // "0", and any other way of writing it ("000"), is PM2's max.
    if (auto n = parse_int(text); n && *n == 0) return "max";
    if (text.size() < 2 || text.front() != '-') return std::nullopt;
    auto fewer = parse_int(text.substr(1));
    if (!fewer) return std::nullopt;
    return *fewer == 0 ? "max" : "-" + std::to_string(*fewer);
}

int instances_for_cpus(std::string_view word, int cpus) {
    std::string canonical = per_cpu_word(word).value_or("max");
    std::int64_t fewer = canonical == "max" ? 0 : parse_int(canonical.substr(1)).value_or(0);
    // As PM2: -N leaves N CPUs free, and never fewer than one instance.
    std::int64_t count = static_cast<std::int64_t>(std::max(cpus, 1)) - fewer;
    return static_cast<int>(std::clamp<std::int64_t>(count, 1, kMaxAppInstances));
}

void resolve_instances_per_cpu(AppSpec& spec, int cpus) {
    if (!spec.instances_per_cpu.empty())
        spec.instances = instances_for_cpus(spec.instances_per_cpu, cpus);
}

void resolve_exec_mode(AppSpec& spec) {
    spec.exec_mode = canonical_exec_mode(spec.exec_mode);
    if (!runs_node(spec)) {
        spec.exec_mode = "fork";
        return;
    }
    if (spec.exec_mode.empty())
        spec.exec_mode = spec.instances > 1 || spec.listen.port != 0 ? "cluster" : "fork";
}

bool runs_node_workers(const AppSpec& spec, const std::map<std::string, std::string>& env) {
    AppSpec resolved = spec;
    resolve_exec_mode(resolved);
    if (resolved.exec_mode != "cluster") return false;
    if (spec.listen.port == 0) return true;
    // --env wins over the environment tend was started from.
    const std::string key = "NODE_CLUSTER_SCHED_POLICY";
    const auto& from = spec.env.count(key) ? spec.env : env;
    auto policy = from.find(key);
    return policy == from.end() || policy->second != "none";
}

PortSharing port_sharing(const AppSpec& spec, const std::map<std::string, std::string>& env) {
    if (spec.listen.port == 0) return PortSharing::kNoPort;
    return runs_node_workers(spec, env) ? PortSharing::kRoundRobin : PortSharing::kInherit;
}

std::string incremented_value(const AppSpec& spec, const std::map<std::string, std::string>& env,
                              int index) {
    auto it = env.find(spec.vars.increment_var);
    std::string text = it == env.end() || it->second.empty() ? "0" : it->second;
    long long base = 0;
    std::size_t used = 0;
    try {
        base = std::stoll(text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw TendError(ErrorCode::kBadRequest, "increment_var '" + spec.vars.increment_var +
                                                    "' must hold an integer, not '" + text + "'");
    return std::to_string(base + index);
}

namespace {

// Now, for "never matches": an expression that fires within the next ten
// years from now is one that fires.
std::int64_t wall_now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A name the environment can hold: not empty, no '=' and no NUL.
bool is_env_name(const std::string& name) {
    return !name.empty() && name.find_first_of(std::string("=\0", 2)) == std::string::npos;
}

void validate_extras(const AppSpec& spec) {
    auto bad = [](const std::string& msg) { throw TendError(ErrorCode::kBadRequest, msg); };
    if (!is_env_name(spec.vars.instance_var))
        bad("instance_var '" + spec.vars.instance_var + "' is not a variable name");
    if (!spec.vars.increment_var.empty() && !is_env_name(spec.vars.increment_var))
        bad("increment_var '" + spec.vars.increment_var + "' is not a variable name");
    std::string interp =
        spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
    if (!spec.interpreter_args.empty() && (interp.empty() || interp == "none"))
        bad("interpreter_args need an interpreter: '" + spec.script +
            "' runs by itself (set --interpreter)");
}

void validate_dependencies(const AppSpec& spec) {
    auto bad = [](const std::string& msg) { throw TendError(ErrorCode::kBadRequest, msg); };
    for (const auto& [name, condition] : spec.depends_on) {
        if (name == spec.name) bad("app '" + spec.name + "' depends on itself");
        if (!is_dependency_condition(condition))
            bad("depends_on." + name + " must be started, ready, healthy or " +
                "completed_successfully, not '" + condition + "'");
    }
}

// A probe as the spec carries it: read_probe's checks, under its key.
void read_probe_field(const json& j, const char* key, Probe& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) out = read_probe(*it, key);
}

}  // namespace

bool is_dependency_condition(std::string_view word) {
    return std::find(std::begin(kDependencyConditions), std::end(kDependencyConditions), word) !=
           std::end(kDependencyConditions);
}

void validate(const AppSpec& spec) {
    auto bad = [](const std::string& msg) { throw TendError(ErrorCode::kBadRequest, msg); };
    if (spec.name.empty()) bad("app name must not be empty");
    if (!is_target_word(spec.name))
        bad("app name '" + spec.name +
            "' is not allowed (no spaces or '/', not 'all', not a number)");
    if (!is_target_word(spec.ns))
        bad("namespace '" + spec.ns +
            "' is not allowed (no spaces or '/', not 'all', not a number)");
    if (spec.script.empty()) bad("a script is required");
    if (spec.instances < 1) bad("instances must be at least 1");
    if (spec.instances > kInstancesCeiling)
        bad("instances must be at most " + std::to_string(kInstancesCeiling));
    if (!spec.instances_per_cpu.empty() && !per_cpu_word(spec.instances_per_cpu))
        bad("instances_per_cpu must be 'max', 0 or -N, not '" + spec.instances_per_cpu + "'");
    if (std::string mode = canonical_exec_mode(spec.exec_mode);
        !mode.empty() && mode != "fork" && mode != "cluster")
        bad("exec_mode must be 'fork' or 'cluster', not '" + spec.exec_mode + "'");
    if (spec.restart.max_restarts < 0) bad("max_restarts must not be negative");
    if (spec.restart.min_uptime_ms < 0 || spec.restart.restart_delay_ms < 0 ||
        spec.restart.exp_backoff_restart_delay_ms < 0 || spec.restart.kill_timeout_ms < 0)
        bad("durations must not be negative");
    if (spec.restart.max_memory_bytes < 0) bad("max_memory_restart must not be negative");
    if (spec.listen.port < 0 || spec.listen.port > 65535) bad("port must be 1..65535");
    if (spec.listen.listen_timeout_ms < 0) bad("durations must not be negative");
    validate_rotation(spec.logs.rotation);
    if (signal_number(spec.restart.kill_signal) == 0)
        bad("unknown signal '" + spec.restart.kill_signal + "'");
    validate_extras(spec);
    validate_dependencies(spec);
    if (spec.watch.delay_ms < 0) bad("durations must not be negative");
    try {
        if (!spec.schedule.cron.empty())
            check_schedule(spec.schedule.cron, spec.schedule.timezone, wall_now_ms());
        else if (!spec.schedule.timezone.empty())
            bad("cron_timezone needs cron_restart");
        check_log_format(spec.logs);
    } catch (const std::invalid_argument& e) {
        bad(e.what());
    }
}

void to_json(json& j, const AppSpec& s) {
    j = json{{"name", s.name},
             {"namespace", s.ns},
             {"script", s.script},
             {"args", s.args},
             {"cwd", s.cwd},
             {"interpreter", s.interpreter},
             {"instances", s.instances},
             {"exec_mode", s.exec_mode},
             {"env", s.env},
             {"base_env", s.base_env},
             {"autorestart", s.restart.autorestart},
             {"max_restarts", s.restart.max_restarts},
             {"min_uptime", s.restart.min_uptime_ms},
             {"restart_delay", s.restart.restart_delay_ms},
             {"exp_backoff_restart_delay", s.restart.exp_backoff_restart_delay_ms},
             {"stop_exit_codes", s.restart.stop_exit_codes},
             {"kill_timeout", s.restart.kill_timeout_ms},
             {"kill_signal", s.restart.kill_signal},
             {"max_memory_restart", s.restart.max_memory_bytes},
             {"time", s.logs.time},
             {"log_type", s.logs.log_type},
             {"log_date_format", s.logs.date_format},
             {"log_date_utc", s.logs.date_utc},
             {"out_file", s.logs.out_file},
             {"error_file", s.logs.error_file},
             {"merge_logs", s.logs.merge_logs},
             {"port", s.listen.port},
             {"host", s.listen.host},
             {"wait_ready", s.listen.wait_ready},
             {"listen_timeout", s.listen.listen_timeout_ms},
             {"interpreter_args", s.interpreter_args},
             {"env_file", s.env_file},
             {"instance_var", s.vars.instance_var},
             {"increment_var", s.vars.increment_var},
             {"uid", s.run_as.uid},
             {"gid", s.run_as.gid}};
    // Only when set: specs of every other app keep their exact JSON.
    if (!s.instances_per_cpu.empty()) j["instances_per_cpu"] = s.instances_per_cpu;
    write_rotation(j, s.logs.rotation);
    if (s.health.readiness.enabled()) j["readiness"] = write_probe(s.health.readiness);
    if (s.health.liveness.enabled()) j["liveness"] = write_probe(s.health.liveness);
    if (!s.depends_on.empty()) j["depends_on"] = s.depends_on;
    if (!s.schedule.cron.empty()) {
        j["cron_restart"] = s.schedule.cron;
        j["cron_timezone"] = s.schedule.timezone;
        j["cron_overlap"] = s.schedule.overlap;
    }
    if (s.watch.enabled) {
        j["watch"] = true;
        j["watch_paths"] = s.watch.paths;
        j["ignore_watch"] = s.watch.ignore;
        j["watch_delay"] = s.watch.delay_ms;
        j["watch_reload"] = s.watch.reload;
    }
}

void from_json(const json& j, AppSpec& s) {
    if (!j.is_object()) throw TendError(ErrorCode::kBadRequest, "app spec must be an object");
    read_field(j, "name", s.name, "a string");
    read_field(j, "namespace", s.ns, "a string");
    read_field(j, "script", s.script, "a string");
    read_field(j, "args", s.args, "an array of strings");
    read_field(j, "cwd", s.cwd, "a string");
    read_field(j, "interpreter", s.interpreter, "a string");
    read_field(j, "instances", s.instances, "an integer");
    read_field(j, "instances_per_cpu", s.instances_per_cpu, "a string");
    read_field(j, "exec_mode", s.exec_mode, "a string");
    read_field(j, "env", s.env, "an object of strings");
    read_field(j, "base_env", s.base_env, "an object of strings");
    read_field(j, "autorestart", s.restart.autorestart, "a boolean");
    read_field(j, "max_restarts", s.restart.max_restarts, "an integer");
    read_field(j, "min_uptime", s.restart.min_uptime_ms, "an integer (ms)");
    read_field(j, "restart_delay", s.restart.restart_delay_ms, "an integer (ms)");
    read_field(j, "exp_backoff_restart_delay", s.restart.exp_backoff_restart_delay_ms,
               "an integer (ms)");
    read_field(j, "stop_exit_codes", s.restart.stop_exit_codes, "an array of integers");
    read_field(j, "kill_timeout", s.restart.kill_timeout_ms, "an integer (ms)");
    read_field(j, "kill_signal", s.restart.kill_signal, "a string");
    read_field(j, "max_memory_restart", s.restart.max_memory_bytes, "an integer (bytes)");
    read_field(j, "time", s.logs.time, "a boolean");
    read_field(j, "log_type", s.logs.log_type, "a string");
    read_field(j, "log_date_format", s.logs.date_format, "a string");
    read_field(j, "log_date_utc", s.logs.date_utc, "a boolean");
    read_field(j, "out_file", s.logs.out_file, "a string");
    read_field(j, "error_file", s.logs.error_file, "a string");
    read_field(j, "merge_logs", s.logs.merge_logs, "a boolean");
    s.logs.rotation = read_rotation(j);
    read_field(j, "port", s.listen.port, "an integer");
    read_field(j, "host", s.listen.host, "a string");
    read_field(j, "wait_ready", s.listen.wait_ready, "a boolean");
    read_field(j, "listen_timeout", s.listen.listen_timeout_ms, "an integer (ms)");
    read_field(j, "interpreter_args", s.interpreter_args, "an array of strings");
    read_field(j, "env_file", s.env_file, "a string");
    read_field(j, "instance_var", s.vars.instance_var, "a string");
    read_field(j, "increment_var", s.vars.increment_var, "a string");
    read_field(j, "uid", s.run_as.uid, "a string");
    read_field(j, "gid", s.run_as.gid, "a string");
    read_probe_field(j, "readiness", s.health.readiness);
    read_probe_field(j, "liveness", s.health.liveness);
    read_field(j, "depends_on", s.depends_on, "an object of app names and conditions");
    read_field(j, "cron_restart", s.schedule.cron, "a string");
    read_field(j, "cron_timezone", s.schedule.timezone, "a string");
    read_field(j, "cron_overlap", s.schedule.overlap, "a boolean");
    read_field(j, "watch", s.watch.enabled, "a boolean");
    read_field(j, "watch_paths", s.watch.paths, "an array of strings");
    read_field(j, "ignore_watch", s.watch.ignore, "an array of strings");
    read_field(j, "watch_delay", s.watch.delay_ms, "an integer (ms)");
    read_field(j, "watch_reload", s.watch.reload, "a boolean");
}

}  // namespace tend
