// Rendering of `tend describe`: fields from the instance, then from its spec.
#include "cli/render/describe.h"

#include <algorithm>

#include "cli/render/format.h"
#include "cli/render/readiness_text.h"
#include "cli/render/table.h"
#include "cli/terminal.h"
#include "common/text.h"

namespace tend {
namespace {

// The app's own rotation options; what it leaves unset is the daemon's
// (config.json, else 10M and 30 archives).
std::string rotation_text(const LogRotation& r) {
    std::string text;
    auto add = [&text](const std::string& part) {
        if (!text.empty()) text += ", ";
        text += part;
    };
    if (r.max_size) add(*r.max_size == 0 ? "never by size" : "at " + format_bytes(*r.max_size));
    if (r.interval) add(*r.interval);
    if (r.retain) add("keep " + std::to_string(*r.retain));
    if (r.compress) add(*r.compress ? "gzip" : "no gzip");
    if (r.date_format) add("named " + *r.date_format);
    return text.empty() ? "daemon defaults" : text + " (the rest: daemon defaults)";
}

constexpr const char* kNone = "-";
constexpr const char* kTimeFormat = "%Y-%m-%d %H:%M:%S";

std::string ms(std::int64_t value) {
    return std::to_string(value) + " ms";
}

std::string on_off(bool value) {
    return value ? "on" : "off";
}

std::string time_or_none(std::int64_t at) {
    return at == 0 ? kNone : format_local_time(at, kTimeFormat);
}

std::string effective_interpreter(const AppSpec& spec) {
    std::string interp =
        spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
    return interp.empty() ? "none" : interp;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out.empty() ? kNone : out;
}

std::string exit_codes(const std::vector<int>& codes) {
    std::vector<std::string> words;
    for (int c : codes) words.push_back(std::to_string(c));
    return join(words);
}

std::string env_keys(const AppSpec& spec) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : spec.env) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    return join(keys);
}

// "YYYY-MM-DD HH:mm (UTC)", "--time" for --time's format, or "-".
std::string log_date_format(const LogOptions& logs) {
    if (logs.date_format.empty()) return logs.time ? "--time" : kNone;
    return logs.date_utc ? logs.date_format + " (UTC)" : logs.date_format;
}

std::string or_none(const std::string& value) {
    return value.empty() ? kNone : value;
}

// "nobody", "nobody:nogroup", ":staff" as given, or "-" for the daemon's user.
std::string run_as_text(const RunAs& r) {
    if (r.uid.empty() && r.gid.empty()) return kNone;
    return r.gid.empty() ? r.uid : r.uid + ":" + r.gid;
}

// "db (ready), migrate (completed_successfully)", or "-".
std::string dependencies_text(const std::map<std::string, std::string>& depends_on) {
    std::vector<std::string> parts;
    for (const auto& [name, condition] : depends_on) parts.push_back(name + " (" + condition + ")");
    return join(parts);
}

// The keys PM2 configs use for an instance's interpreter and environment.
void add_instance_fields(std::vector<Field>& fields, const AppSpec& spec) {
    std::string args = join_command_line(spec.interpreter_args);
    fields.insert(fields.end(), {
                                    {"interpreter args", or_none(args)},
                                    {"env file", or_none(spec.env_file)},
                                    {"instance var", spec.vars.instance_var},
                                    {"increment var", or_none(spec.vars.increment_var)},
                                    {"run as", run_as_text(spec.run_as)},
                                    {"depends on", dependencies_text(spec.depends_on)},
                                });
}

// The app's probes, when it has any.
void add_probe_fields(std::vector<Field>& fields, const HealthChecks& health) {
    if (health.readiness.enabled()) fields.push_back({"readiness", probe_text(health.readiness)});
    if (health.liveness.enabled()) fields.push_back({"liveness", probe_text(health.liveness)});
}

// "2", or "2 (-i max: the CPUs tendd may use)" for a count the daemon made.
std::string per_cpu_instances_text(const AppSpec& spec) {
    std::string text = std::to_string(spec.instances);
    if (spec.instances_per_cpu.empty()) return text;
    text.append(" (-i ").append(spec.instances_per_cpu);
    text.append(spec.instances_per_cpu == "max" ? ": the CPUs tendd may use)"
                                                : " of the CPUs tendd may use)");
    return text;
}

void add_spec_fields(std::vector<Field>& fields, const AppSpec& spec) {
    const RestartPolicy& r = spec.restart;
    fields.insert(
        fields.end(),
        {
            {"command line", join_command_line(command_line(spec))},
            {"cwd", spec.cwd},
            {"interpreter", effective_interpreter(spec)},
            {"instances", per_cpu_instances_text(spec)},
            {"exec_mode", spec.exec_mode.empty() ? "-" : spec.exec_mode},
            {"autorestart", r.autorestart ? "true" : "false"},
            {"max_restarts", std::to_string(r.max_restarts)},
            {"min_uptime", ms(r.min_uptime_ms)},
            {"restart_delay", ms(r.restart_delay_ms)},
            {"exp_backoff_restart_delay",
             r.exp_backoff_restart_delay_ms == 0 ? "off" : ms(r.exp_backoff_restart_delay_ms)},
            {"stop_exit_codes", exit_codes(r.stop_exit_codes)},
            {"kill_timeout", ms(r.kill_timeout_ms)},
            {"kill_signal", r.kill_signal},
            {"max_memory_restart",
             r.max_memory_bytes == 0 ? "off" : format_bytes(r.max_memory_bytes)},
            {"log timestamps", on_off(spec.logs.time)},
            {"log type", spec.logs.log_type.empty() ? "text" : spec.logs.log_type},
            {"log date format", log_date_format(spec.logs)},
            {"merge logs", on_off(spec.logs.merge_logs)},
            {"log rotation", rotation_text(spec.logs.rotation)},
            {"env keys", env_keys(spec)},
        });
    add_instance_fields(fields, spec);
    add_probe_fields(fields, spec.health);
}

// cron_restart, its zone, and when it next acts on this instance.
void add_schedule_fields(std::vector<Field>& fields, const InstanceInfo& info) {
    const Schedule& s = info.spec->schedule;
    std::string zone = s.timezone.empty() ? "local time" : s.timezone;
    std::string next = info.next_run_at == 0 ? "- (stopped: 'tend restart' resumes it)"
                                             : time_or_none(info.next_run_at);
    fields.insert(fields.end(), {
                                    {"cron restart", s.cron + " (" + zone + ")"},
                                    {"cron overlap", s.overlap ? "on" : "off"},
                                    {"next run", next},
                                });
}

// "memory (rss 250.0mb over max_memory_restart 200.0mb)", or "-".
std::string restart_reason(const InstanceInfo& info) {
    if (info.restart_reason.empty()) return kNone;
    if (info.restart_reason_detail.empty()) return info.restart_reason;
    return info.restart_reason + " (" + info.restart_reason_detail + ")";
}

}  // namespace

std::vector<Field> describe_fields(const InstanceInfo& info) {
    bool online = info.status == InstanceState::kOnline;
    std::vector<Field> fields{
        {"status", status_words(info)},
        {"name", info.name},
        {"namespace", info.ns},
        {"id", std::to_string(info.id)},
        {"instance", std::to_string(info.instance)},
        {"mode", info.mode},
        {"pid", info.pid == 0 ? kNone : std::to_string(info.pid)},
    };
    if (info.spec) add_spec_fields(fields, *info.spec);
    add_watch_fields(fields, info);
    if (info.spec && !info.spec->schedule.cron.empty()) add_schedule_fields(fields, info);
    fields.insert(fields.end(),
                  {
                      {"out log", info.out_log.empty() ? kNone : info.out_log},
                      {"err log", info.err_log.empty() ? kNone : info.err_log},
                      {"created at", time_or_none(info.created_at)},
                      {"started at", time_or_none(info.started_at)},
                      {"uptime", online ? format_uptime(info.uptime_ms) : "0"},
                      {"restarts", std::to_string(info.restarts)},
                      {"unstable restarts", std::to_string(info.unstable_restarts)},
                      {"last exit code", info.exit_code ? std::to_string(*info.exit_code) : kNone},
                      {"last exit signal", info.exit_signal ? *info.exit_signal : kNone},
                      {"last restart reason", restart_reason(info)},
                      {"health", info.health.empty() ? kNone : info.health},
                      {"cpu", format_cpu(info.cpu)},
                      {"memory", format_bytes(info.memory)},
                  });
    return fields;
}

std::string render_describe(const InstanceInfo& info, bool colour) {
    Palette pal = palette(colour);
    std::vector<Field> fields = describe_fields(info);
    std::size_t key_width = 0;
    for (const auto& [key, value] : fields) key_width = std::max(key_width, key.size());

    std::string out = std::string(pal.bold) + "'" + info.name + "' instance " +
                      std::to_string(info.instance) + " (id " + std::to_string(info.id) + ")" +
                      pal.reset + "\n";
    for (const auto& [key, value] : fields) {
        const char* tint = key == "status" ? status_colour(info.status, colour) : "";
        out += "  " + pad_right(key, key_width) + "  " + tint + value + (*tint ? pal.reset : "") +
               "\n";
    }
    return out;
}

}  // namespace tend
