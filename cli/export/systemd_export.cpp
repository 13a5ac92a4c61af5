// `tend export systemd`: each app as systemd units. One instance is
// NAME.service; several are a template NAME@.service (%i is the instance
// index) and NAME.target, which wants them all. A --port app gets
// NAME.socket, shared by its instances (systemd's own fd 3 contract); a cron
// job (autorestart false + cron) gets NAME.timer. What systemd has no
// setting for is written as a "# tend:" comment where it would go.
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "cli/export/export_target.h"
#include "cli/export/systemd_calendar.h"
#include "cli/export/systemd_syntax.h"
#include "common/cron_schedule.h"
#include "common/probe_spec.h"
#include "common/signals.h"

namespace tend {
namespace {
namespace sdunits {

// tend's exponential backoff doubles the delay up to this (restart_policy.cpp).
constexpr std::int64_t kBackoffCeilingMs = 15'000;

// StartLimitIntervalSec='s ceiling: a window longer than a day is no limit
// anyone meant, and the product below could overflow.
constexpr std::int64_t kStartWindowCeilingMs = 86'400'000;

// How the units of one app are named, and how others refer to it.
struct AppUnits {
    const AppSpec* spec = nullptr;
    bool cron_job = false;  // autorestart false + cron: NAME.timer runs it
    // Type=oneshot: a cron job, or a one-shot app another waits for
    // (completed_successfully): its start ends when it has run.
    bool oneshot = false;
    bool templated = false;  // several instances: NAME@.service + NAME.target
    std::string base;        // the name as a unit name's prefix: "api"
    std::string service;     // "api.service" or "api@.service"
    std::string reference;   // what depends_on names: "api.service" or "api.target"
};

AppUnits units_of(const AppSpec& spec, bool awaited) {
    AppUnits u;
    u.spec = &spec;
    u.cron_job = !spec.restart.autorestart && !spec.schedule.cron.empty();
    u.oneshot = u.cron_job || (!spec.restart.autorestart && awaited);
    u.templated = spec.instances > 1 && !u.cron_job;
    u.base = systemd_unit_prefix(spec.name);
    u.service = u.base + (u.templated ? "@.service" : ".service");
    u.reference = u.base + (u.templated ? ".target" : ".service");
    return u;
}

std::string comment(const std::string& text) {
    return "# tend: " + text + "\n";
}

std::string join_words(const std::vector<std::string>& words, const std::string& separator) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out.append(separator);
        out.append(w);
    }
    return out;
}

std::vector<std::string> non_empty(std::vector<std::string> words) {
    std::erase(words, std::string());
    return words;
}

std::string listen_address(const ListenOptions& listen) {
    bool v6 = listen.host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + listen.host + "]" : listen.host;
    return host + ":" + std::to_string(listen.port);
}

// The instance's own variables, as the daemon sets them (spawn_request.cpp),
// over the app's env. increment_var is left to the caller: it differs per
// instance, which a template cannot say.
std::map<std::string, std::string> instance_env(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::map<std::string, std::string> env = spec.env;
    std::string index = u.templated ? "%i" : "0";
    env["TEND_APP_NAME"] = spec.name;
    env["TEND_INSTANCE"] = index;
    if (!spec.vars.instance_var.empty()) env[spec.vars.instance_var] = index;
    if (spec.listen.port > 0) {
        env["PORT"] = std::to_string(spec.listen.port);
        env["TEND_LISTEN_FD"] = "3";
    }
    return env;
}

std::string environment_lines(const AppUnits& u) {
    std::string text;
    if (!u.spec->env_file.empty())
        text += "EnvironmentFile=" + systemd_escape_specifiers(u.spec->env_file) + "\n";
    std::map<std::string, std::string> env = instance_env(u);
    const auto& vars = u.spec->vars;
    if (!vars.increment_var.empty() && !u.templated)
        env[vars.increment_var] = incremented_value(*u.spec, env, 0);
    for (const auto& [key, value] : env) {
        // The index's "%i" is the one specifier meant as such.
        bool specifier =
            u.templated && (key == "TEND_INSTANCE" || key == u.spec->vars.instance_var);
        text +=
            "Environment=" + (specifier ? key + "=%i" : systemd_env_assignment(key, value)) + "\n";
    }
    if (!vars.increment_var.empty() && u.templated)
        text += comment(vars.increment_var + " counts up from " + vars.increment_var +
                        " by the instance index: each " + u.base +
                        "@N.service.d/increment.conf sets it");
    text += comment(
        "the environment of the shell that started tend is not copied: add what the app "
        "needs above");
    return text;
}

std::string identity_lines(const AppSpec& spec, const ExportOptions& options) {
    std::string user = options.user.empty() ? spec.run_as.uid : options.user;
    std::string text;
    if (!user.empty()) text += "User=" + systemd_escape_specifiers(user) + "\n";
    if (!spec.run_as.gid.empty())
        text += "Group=" + systemd_escape_specifiers(spec.run_as.gid) + "\n";
    return text;
}

std::string describe_probe(const Probe& probe) {
    return write_probe(probe).dump();
}

// Type=: notify when the app says READY=1 (wait_ready), oneshot for a cron
// job, else exec (the unit fails when the program cannot be started, as
// tend's start does).
std::string readiness_lines(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::string text;
    if (u.oneshot) {
        text += "Type=oneshot\n";
    } else if (spec.listen.wait_ready) {
        text += "Type=notify\n";
        text += comment(
            "wait_ready: systemd waits for READY=1 on $NOTIFY_SOCKET (sd_notify), from any "
            "process of the app as tend does");
        text += "NotifyAccess=all\n";
        text += comment("tend counted the instance online after listen_timeout " +
                        systemd_time_span(spec.listen.listen_timeout_ms) +
                        " without READY=1; systemd fails it after TimeoutStartSec= instead");
        if (runs_node(spec))
            text += comment(
                "a Node app's process.send('ready') reaches tend only: under systemd it must "
                "send READY=1 to $NOTIFY_SOCKET");
    } else {
        text += "Type=exec\n";
    }
    if (spec.health.readiness.enabled())
        text += comment("readiness probe " + describe_probe(spec.health.readiness) +
                        ": systemd has no probes; the unit is started once the program runs" +
                        (spec.listen.wait_ready ? " and says READY=1" : ""));
    if (spec.health.liveness.enabled())
        text += comment("liveness probe " + describe_probe(spec.health.liveness) +
                        ": systemd has no probes; WatchdogSec= restarts an app that stops "
                        "sending WATCHDOG=1, if the app is changed to send it");
    return text;
}

// RestartSteps= and RestartMaxDelaySec=: systemd 254+; as comments, since
// Debian 12's systemd 252 warns on them.
std::string backoff_lines(const RestartPolicy& r) {
    std::int64_t first = r.exp_backoff_restart_delay_ms;
    int steps = 0;
    while ((first << steps) < kBackoffCeilingMs && steps < 62) ++steps;
    return "RestartSec=" + systemd_time_span(first) + "\n" +
           comment("exp_backoff_restart_delay: tend doubles the delay after each restart up to " +
                   systemd_time_span(kBackoffCeilingMs) +
                   ", and starts over after 30s up. systemd 254+ does so with the two lines "
                   "below; systemd 252 (Debian 12) does not know them, so they are comments:") +
           "#RestartSteps=" + std::to_string(steps) + "\n" +
           "#RestartMaxDelaySec=" + systemd_time_span(kBackoffCeilingMs) + "\n";
}

std::string restart_lines(const AppUnits& u) {
    const RestartPolicy& r = u.spec->restart;
    if (!r.autorestart) return "Restart=no\n";
    std::string text = "Restart=always\n";
    if (!r.stop_exit_codes.empty()) {
        std::vector<std::string> codes;
        for (int code : r.stop_exit_codes) codes.push_back(std::to_string(code));
        text += "RestartPreventExitStatus=" + join_words(codes, " ") + "\n";
    }
    if (r.exp_backoff_restart_delay_ms > 0)
        text += backoff_lines(r);
    else
        text += "RestartSec=" + systemd_time_span(r.restart_delay_ms) + "\n";
    return text;
}

// [Unit]'s start limit: tend ends an app errored after max_restarts
// unstable restarts in a row; systemd after StartLimitBurst= starts within
// StartLimitIntervalSec=. The window is the time that many runs shorter
// than min_uptime (and their delays) take.
std::string start_limit_lines(const RestartPolicy& r) {
    if (!r.autorestart) return "";
    std::int64_t delay =
        r.exp_backoff_restart_delay_ms > 0 ? r.exp_backoff_restart_delay_ms : r.restart_delay_ms;
    std::int64_t burst = static_cast<std::int64_t>(r.max_restarts) + 1;
    std::int64_t window = 0;
    // Absurd values (spec fields are not bounded this far) are capped, not wrapped.
    if (__builtin_mul_overflow(burst, r.min_uptime_ms + delay, &window) ||
        window > kStartWindowCeilingMs)
        window = kStartWindowCeilingMs;
    return comment("max_restarts " + std::to_string(r.max_restarts) + " with min_uptime " +
                   systemd_time_span(r.min_uptime_ms) +
                   ": tend counts short runs in a row, systemd starts in a window") +
           "StartLimitIntervalSec=" + systemd_time_span(window) + "\n" +
           "StartLimitBurst=" + std::to_string(burst) + "\n";
}

// "TERM" and "15" as systemd's "SIGTERM"; a signal without a name by number.
std::string kill_signal_word(const std::string& given) {
    int number = signal_number(given);
    std::string name = signal_name(number);
    bool named = name.size() > 3 && !std::isdigit(static_cast<unsigned char>(name[3]));
    return named ? name : std::to_string(number);
}

std::string stop_lines(const AppSpec& spec) {
    std::string text = "KillSignal=" + kill_signal_word(spec.restart.kill_signal) + "\n" +
                       "TimeoutStopSec=" + systemd_time_span(spec.restart.kill_timeout_ms) + "\n";
    if (spec.restart.max_memory_bytes > 0)
        text += comment(
                    "max_memory_restart: tend restarts an instance whose memory stays above "
                    "this; systemd has the kernel kill it there, and Restart= starts it again") +
                "MemoryMax=" + std::to_string(spec.restart.max_memory_bytes) + "\n";
    return text;
}

// After= and Requires= for depends_on; the condition is met as systemd
// orders units: once the dependency started (Type=exec), said READY=1
// (Type=notify), or ended well (Type=oneshot).
std::string dependency_lines(const AppSpec& spec, const std::map<std::string, AppUnits>& all) {
    std::string text;
    for (const auto& [name, condition] : spec.depends_on) {
        auto found = all.find(name);
        std::string unit =
            found == all.end() ? systemd_unit_prefix(name) + ".service" : found->second.reference;
        if (found == all.end())
            text += comment(name + " is not among the exported apps: named " + unit);
        text += "After=" + unit + "\nRequires=" + unit + "\n";
        bool notifies = found != all.end() && found->second.spec->listen.wait_ready;
        bool oneshot = found != all.end() && found->second.oneshot;
        if (condition == "ready" && !notifies)
            text += comment("depends_on " + name +
                            ": ready. systemd orders on start: with neither wait_ready nor a "
                            "probe known to systemd, ready is started");
        else if (condition == "healthy")
            text += comment("depends_on " + name +
                            ": healthy. systemd has no probes: it orders on start (or READY=1)");
        else if (condition == "completed_successfully" && !oneshot)
            text += comment("depends_on " + name +
                            ": completed_successfully. Only a Type=oneshot unit is waited for "
                            "until it ends; " +
                            name + " is not one here");
    }
    return text;
}

std::string unit_section(const AppUnits& u, const std::map<std::string, AppUnits>& all) {
    const AppSpec& spec = *u.spec;
    std::string text = "[Unit]\nDescription=tend app " + systemd_escape_specifiers(spec.name);
    text += u.templated ? ", instance %i\n" : "\n";
    text += "Documentation=man:tend(1)\n";
    if (!spec.instances_per_cpu.empty())
        text += comment("instances: -i " + spec.instances_per_cpu +
                        " is one per CPU tendd may use; written as " +
                        std::to_string(spec.instances) + ": set the count this host should run");
    if (u.templated) text += "PartOf=" + u.base + ".target\n";
    if (spec.listen.port > 0)
        text += "After=" + u.base + ".socket\nRequires=" + u.base + ".socket\n";
    text += dependency_lines(spec, all);
    text += start_limit_lines(spec.restart);
    return text;
}

std::string exec_lines(const AppSpec& spec) {
    std::string text = "ExecStart=" + systemd_exec_line(command_line(spec)) + "\n";
    if (!spec.cwd.empty()) text += "WorkingDirectory=" + systemd_escape_specifiers(spec.cwd) + "\n";
    return text;
}

std::string socket_use_lines(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    if (spec.listen.port == 0 && u.templated && runs_node_workers(spec, spec.env))
        return comment(
            "cluster mode: tendd, as Node's cluster primary, shared whatever port the "
            "instances listen on; under systemd each instance binds its own (give the app a "
            "port: a socket unit shares it)");
    if (spec.listen.port == 0) return "";
    std::string text = "Sockets=" + u.base + ".socket\n";
    if (runs_node(spec))
        text += comment(
            "a Node app's listen(" + std::to_string(spec.listen.port) +
            ") was answered by tendd (cluster mode) or tend's preload; under systemd it must "
            "listen on the inherited socket itself: server.listen({fd: 3})");
    return text;
}

// What tend does that systemd does not, said once per service.
std::string unmapped_comments(const AppSpec& spec) {
    std::string text;
    if (spec.ns != "default") text += comment("namespace " + spec.ns + " has no equivalent");
    if (spec.watch.enabled)
        text += comment(
            "watch: tend restarts the app when its files change; not mapped "
            "(a path unit could start a restart)");
    const LogOptions& logs = spec.logs;
    if (!logs.out_file.empty() || !logs.error_file.empty())
        text +=
            comment("log files (" + join_words(non_empty({logs.out_file, logs.error_file}), ", ") +
                    "): not mapped, journald takes stdout and stderr (journalctl -u)");
    if (logs.time || !logs.log_type.empty() || !logs.date_format.empty())
        text += comment("log time prefixes and JSON lines: journald stamps every line itself");
    text += comment("log rotation: journald's (journald.conf), not tend's");
    if (!spec.schedule.cron.empty() && spec.restart.autorestart)
        text += comment("cron_restart '" + spec.schedule.cron +
                        "': tend restarts the app at those times; not mapped (a timer "
                        "running `systemctl restart` would)");
    if (spec.schedule.overlap)
        text += comment("cron_overlap: systemd never starts a run while the last one runs");
    return text;
}

std::string service_section(const AppUnits& u, const ExportOptions& options) {
    const AppSpec& spec = *u.spec;
    return "[Service]\n" + readiness_lines(u) + exec_lines(spec) + identity_lines(spec, options) +
           environment_lines(u) + socket_use_lines(u) + restart_lines(u) + stop_lines(spec) +
           unmapped_comments(spec);
}

std::string header(const AppSpec& spec, const std::string& what) {
    return "# tend: " + what + " of app '" + spec.name + "', written by `tend export systemd`\n";
}

ExportedFile service_file(const AppUnits& u, const std::map<std::string, AppUnits>& all,
                          const ExportOptions& options) {
    std::string text =
        header(*u.spec, "the service") + unit_section(u, all) + "\n" + service_section(u, options);
    // A template's instances are wanted by NAME.target, a cron job's run by its timer.
    if (!u.templated && !u.cron_job) text += "\n[Install]\nWantedBy=multi-user.target\n";
    return {u.service, text};
}

ExportedFile target_file(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::vector<std::string> instances;
    for (int i = 0; i < spec.instances; ++i)
        instances.push_back(u.base + "@" + std::to_string(i) + ".service");
    std::string list = join_words(instances, " ");
    std::string text = header(spec, "every instance") + "# `systemctl start " + u.base +
                       ".target` starts the " + std::to_string(spec.instances) +
                       " instances, stop stops them.\n" + "[Unit]\nDescription=tend app " +
                       systemd_escape_specifiers(spec.name) + " (" +
                       std::to_string(spec.instances) + " instances)\nWants=" + list +
                       "\nAfter=" + list + "\n\n[Install]\nWantedBy=multi-user.target\n";
    return {u.base + ".target", text};
}

// increment_var's value in each instance: a drop-in per instance.
std::vector<ExportedFile> increment_files(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::vector<ExportedFile> files;
    if (!u.templated || spec.vars.increment_var.empty()) return files;
    auto env = instance_env(u);
    for (int i = 0; i < spec.instances; ++i) {
        std::string value = incremented_value(spec, env, i);
        files.push_back({u.base + "@" + std::to_string(i) + ".service.d/increment.conf",
                         "# tend: " + spec.vars.increment_var + " of instance " +
                             std::to_string(i) + "\n[Service]\nEnvironment=" +
                             systemd_env_assignment(spec.vars.increment_var, value) + "\n"});
    }
    return files;
}

// LISTEN_FDNAMES, as tend sets it: the app's name, which systemd takes when
// it is printable ASCII without ':'.
std::string fd_name_line(const std::string& name) {
    bool fits = name.size() <= 255;
    for (char c : name) fits = fits && c > ' ' && c < 0x7f && c != ':';
    if (fits) return "FileDescriptorName=" + name + "\n";
    return comment("LISTEN_FDNAMES: tend set it to the app's name, which systemd cannot take");
}

ExportedFile socket_file(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::string first = u.templated ? u.base + "@0.service" : u.base + ".service";
    std::string text =
        header(spec, "the port") +
        "# systemd binds it and hands it to every instance as fd 3 (LISTEN_FDS), as\n"
        "# tend did; the kernel picks which instance accepts a connection.\n"
        "[Unit]\nDescription=tend app " +
        systemd_escape_specifiers(spec.name) + ": port " + std::to_string(spec.listen.port) +
        "\n\n[Socket]\nListenStream=" + listen_address(spec.listen) + "\n" +
        fd_name_line(spec.name) +
        "# a connection that comes while no instance runs starts this one\n"
        "Service=" +
        first + "\n\n[Install]\nWantedBy=sockets.target\n";
    return {u.base + ".socket", text};
}

ExportedFile timer_file(const AppUnits& u) {
    const AppSpec& spec = *u.spec;
    std::string text =
        header(spec, "the schedule") + "[Unit]\nDescription=tend cron job " +
        systemd_escape_specifiers(spec.name) + "\n\n[Timer]\n" +
        comment("cron '" + spec.schedule.cron + "'" +
                (spec.schedule.timezone.empty() ? "" : " in " + spec.schedule.timezone));
    for (const auto& value : systemd_calendar(spec.schedule.cron, spec.schedule.timezone))
        text += "OnCalendar=" + value + "\n";
    text += "# tend runs a cron job once when it starts, too\nOnActiveSec=0\n";
    text += "# cron fires on the second; systemd's default is within a minute\nAccuracySec=1s\n";
    if (spec.instances > 1)
        text += comment("instances " + std::to_string(spec.instances) +
                        ": a timer runs one service; the job runs once per time");
    text += "Unit=" + u.service + "\n\n[Install]\nWantedBy=timers.target\n";
    return {u.base + ".timer", text};
}

}  // namespace sdunits
}  // namespace

std::vector<ExportedFile> export_systemd(const std::vector<AppSpec>& apps,
                                         const ExportOptions& options) {
    using namespace sdunits;
    std::map<std::string, AppUnits> all;
    std::set<std::string> awaited;
    for (const auto& spec : apps)
        for (const auto& [name, condition] : spec.depends_on)
            if (condition == "completed_successfully") awaited.insert(name);
    for (const auto& spec : apps) all.emplace(spec.name, units_of(spec, awaited.count(spec.name)));
    std::vector<ExportedFile> files;
    for (const auto& spec : apps) {
        const AppUnits& u = all.at(spec.name);
        if (spec.listen.port > 0) files.push_back(socket_file(u));
        files.push_back(service_file(u, all, options));
        if (u.templated) files.push_back(target_file(u));
        for (auto& f : increment_files(u)) files.push_back(std::move(f));
        if (u.cron_job) files.push_back(timer_file(u));
    }
    return files;
}

}  // namespace tend
