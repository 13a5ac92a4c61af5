#include "cli/export/container_command.h"

#include <algorithm>
#include <cctype>

namespace tend {
namespace {

// word as split_command_words() reads it back: single-quoted when it holds
// a space, a quote or a backslash ('\'' for a single quote inside).
std::string runtime_shell_word(const std::string& word) {
    bool plain = !word.empty();
    for (char c : word)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"' || c == '\\')
            plain = false;
    return plain ? word : single_quoted(word);
}

void runtime_option(std::vector<std::string>& argv, const char* name, const std::string& value) {
    argv.emplace_back(name);
    argv.push_back(value);
}

void runtime_restart_options(const AppSpec& spec, std::vector<std::string>& argv) {
    const RestartPolicy& r = spec.restart;
    const RestartPolicy defaults;
    if (!r.autorestart) argv.emplace_back("--no-autorestart");
    if (r.max_restarts != defaults.max_restarts)
        runtime_option(argv, "--max-restarts", std::to_string(r.max_restarts));
    if (r.min_uptime_ms != defaults.min_uptime_ms)
        runtime_option(argv, "--min-uptime", std::to_string(r.min_uptime_ms));
    if (r.restart_delay_ms != defaults.restart_delay_ms)
        runtime_option(argv, "--restart-delay", std::to_string(r.restart_delay_ms));
    if (r.exp_backoff_restart_delay_ms != defaults.exp_backoff_restart_delay_ms)
        runtime_option(argv, "--exp-backoff-restart-delay",
                       std::to_string(r.exp_backoff_restart_delay_ms));
    if (!r.stop_exit_codes.empty()) {
        std::string codes;
        for (int code : r.stop_exit_codes)
            codes.append(codes.empty() ? "" : ",") += std::to_string(code);
        runtime_option(argv, "--stop-exit-codes", codes);
    }
    if (r.kill_timeout_ms != defaults.kill_timeout_ms)
        runtime_option(argv, "--kill-timeout", std::to_string(r.kill_timeout_ms));
    if (r.kill_signal != defaults.kill_signal) runtime_option(argv, "--kill-signal", r.kill_signal);
}

void runtime_port_options(const AppSpec& spec, std::vector<std::string>& argv) {
    const ListenOptions& l = spec.listen;
    const ListenOptions defaults;
    if (l.port != 0) runtime_option(argv, "--port", std::to_string(l.port));
    // No --host: in a container the app must listen where the platform
    // reaches it; the exporters say where tend's --host went.
    if (l.wait_ready) argv.emplace_back("--wait-ready");
    if (l.wait_ready && l.listen_timeout_ms != defaults.listen_timeout_ms)
        runtime_option(argv, "--listen-timeout", std::to_string(l.listen_timeout_ms));
}

void runtime_identity_options(const AppSpec& spec, std::vector<std::string>& argv) {
    const InstanceVars defaults;
    if (spec.vars.instance_var != defaults.instance_var)
        runtime_option(argv, "--instance-var", spec.vars.instance_var);
    if (!spec.vars.increment_var.empty())
        runtime_option(argv, "--increment-var", spec.vars.increment_var);
}

std::vector<std::string> runtime_command(const AppSpec& spec) {
    std::vector<std::string> argv{"tend-runtime", spec.script, "--name", spec.name, "-i", "1"};
    if (!spec.interpreter.empty()) runtime_option(argv, "--interpreter", spec.interpreter);
    if (!spec.exec_mode.empty()) runtime_option(argv, "--exec-mode", spec.exec_mode);
    if (!spec.interpreter_args.empty()) {
        std::string words;
        for (const auto& word : spec.interpreter_args)
            words.append(words.empty() ? "" : " ") += runtime_shell_word(word);
        runtime_option(argv, "--interpreter-args", words);
    }
    runtime_restart_options(spec, argv);
    runtime_port_options(spec, argv);
    runtime_identity_options(spec, argv);
    // A restart schedule of an app that runs all the time stays tend's; a
    // cron job's schedule is the platform's (a CronJob), or a comment.
    if (!spec.schedule.cron.empty() && spec.restart.autorestart) {
        runtime_option(argv, "--cron-restart", spec.schedule.cron);
        if (!spec.schedule.timezone.empty())
            runtime_option(argv, "--cron-timezone", spec.schedule.timezone);
    }
    if (!spec.args.empty()) {
        argv.emplace_back("--");
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    }
    return argv;
}

}  // namespace

std::string dns_label(std::string_view name) {
    std::string label;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        char out = std::isalnum(u) && u < 0x80 ? static_cast<char>(std::tolower(u)) : '-';
        if (out == '-' && (label.empty() || label.back() == '-')) continue;
        label += out;
    }
    if (!label.empty() && std::isdigit(static_cast<unsigned char>(label.front())))
        label.insert(0, "app-");
    if (label.size() > kMaxDnsLabel) label.resize(kMaxDnsLabel);
    while (!label.empty() && label.back() == '-') label.pop_back();
    return label.empty() ? "app" : label;
}

std::vector<std::string> dns_labels(const std::vector<AppSpec>& apps) {
    std::vector<std::string> labels;
    for (const AppSpec& spec : apps) {
        std::string name = dns_label(spec.name);
        std::string unique = name;
        for (int n = 2; std::find(labels.begin(), labels.end(), unique) != labels.end(); ++n) {
            std::string suffix = text_of({"-", std::to_string(n)});
            unique = name.substr(0, kMaxDnsLabel - suffix.size());
            while (!unique.empty() && unique.back() == '-') unique.pop_back();
            unique += suffix;
        }
        labels.push_back(unique);
    }
    return labels;
}

std::vector<std::string> container_command(const AppSpec& spec, bool direct) {
    return direct ? command_line(spec) : runtime_command(spec);
}

std::vector<std::string> platform_notes(const AppSpec& spec, bool direct) {
    std::vector<std::string> notes;
    if (spec.watch.enabled)
        notes.emplace_back(
            "watch: no restart on a file change in a container; a new image "
            "does it");
    const LogOptions& l = spec.logs;
    if (!l.out_file.empty() || !l.error_file.empty() || l.merge_logs || l.time ||
        !l.log_type.empty() || !l.date_format.empty() || l.date_utc || l.rotation != LogRotation{})
        notes.emplace_back(
            "logs: the container's stdout and stderr are its log; log files, "
            "time prefixes and rotation are the platform's logging");
    if (!spec.vars.increment_var.empty())
        notes.push_back("increment_var " + spec.vars.increment_var +
                        ": every replica is instance 0 of its own, so each gets the same value");
    if (!spec.instances_per_cpu.empty())
        notes.push_back("instances: -i " + spec.instances_per_cpu +
                        " is one per CPU tendd may use; written as " +
                        std::to_string(spec.instances) +
                        ": set the replicas this platform should run");
    if (direct && spec.listen.wait_ready)
        notes.emplace_back(
            "--direct: nothing waits for the app's ready message (wait_ready); a "
            "readiness probe does");
    if (direct && spec.instances > 1)
        notes.push_back("--direct: tend set " + spec.vars.instance_var +
                        " per instance; replicas get no index");
    return notes;
}

std::string single_quoted(const std::string& word) {
    std::string out("'");
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::string text_of(std::initializer_list<std::string_view> pieces) {
    std::string text;
    for (std::string_view piece : pieces) text += piece;
    return text;
}

std::string dollars_escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '$') out += '$';
    }
    return out;
}

}  // namespace tend
