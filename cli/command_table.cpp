// The table itself, and lookups over it. Adding a command is a row in the
// registry (common/commands.h), one here and one file in cli/commands/.
#include "cli/command_table.h"

#include "cli/commands/commands.h"
#include "cli/usage_error.h"

namespace tend {
namespace {

// clang-format off
// Columns: registry row, aliases, help, passthrough, setup.
constexpr std::array kCommands{
    CommandSpec{registered(cmd::kCleardump), {"", ""},        "empty the dump, so resurrect starts nothing",       false, setup_cleardump},
    CommandSpec{registered("completion"),    {"", ""},        "print the shell completion script (bash, zsh, fish)", false, setup_completion},
    CommandSpec{registered(cmd::kDelete),    {"del", ""},     "stop instances and forget them",                    false, setup_delete},
    CommandSpec{registered(cmd::kDescribe),  {"", ""},        "show every field of the matching instances",        false, setup_describe},
    CommandSpec{registered("ecosystem"),     {"init", ""},    "write a commented sample ecosystem.config.js here", false, setup_ecosystem},
    CommandSpec{registered(cmd::kEnv),       {"", ""},        "print the environment an instance was started with", false, setup_env},
    CommandSpec{registered(cmd::kEvents),    {"", ""},        "stream the messages instances send (JSON lines)",   false, setup_events},
    CommandSpec{registered("export"),        {"", ""},        "write the apps as systemd units, Kubernetes manifests or a Compose file", false, setup_export},
    CommandSpec{registered(cmd::kFlush),     {"", ""},        "empty log files (every app's without a target)",    false, setup_flush},
    CommandSpec{registered("help"),          {"", ""},        "list the commands, or show one command's options",  false, setup_help},
    CommandSpec{registered("http"),          {"", ""},        "where the daemon serves HTTP; 'tend http token' prints the API's write token", false, setup_http},
    CommandSpec{registered("jlist"),         {"", ""},        "print the instance list as one JSON array",         false, setup_jlist},
    CommandSpec{registered(cmd::kKill),      {"", ""},        "stop every app gracefully, then the daemon",        false, setup_kill},
    CommandSpec{registered(cmd::kList),      {"ls", "status"}, "show the instance table",                          false, setup_list},
    CommandSpec{registered(cmd::kLogs),      {"", ""},        "print the last log lines, then follow them",        false, setup_logs},
    CommandSpec{registered(cmd::kMonit),     {"", ""},        "live dashboard: processes, logs and metrics",       false, setup_monit},
    CommandSpec{registered(cmd::kPing),      {"", ""},        "check that the daemon answers",                     false, setup_ping},
    CommandSpec{registered("prettylist"),    {"", ""},        "print the instance list as indented JSON",          false, setup_prettylist},
    CommandSpec{registered(cmd::kReload),    {"startOrReload", ""}, "replace instances one by one with no downtime; a file's changes apply", false, setup_reload},
    CommandSpec{registered(cmd::kReloadLogs), {"", ""},      "reopen every log file (after logrotate moved them) and read config.json again", false, setup_reload_logs},
    CommandSpec{registered("report"),        {"", ""},        "print what a bug report needs: versions, home, daemon, its log", false, setup_report},
    CommandSpec{registered(cmd::kReset),     {"", ""},        "set restart counts back to zero",                   false, setup_reset},
    CommandSpec{registered(cmd::kRestart),   {"startOrRestart", ""}, "stop then start instances; a file's changes apply", false, setup_restart},
    CommandSpec{registered(cmd::kResurrect), {"", ""},        "start the apps of the last save again",             false, setup_resurrect},
    CommandSpec{registered(cmd::kSave),      {"", ""},        "write every app's spec to the dump for resurrect",  false, setup_save},
    CommandSpec{registered(cmd::kScale),     {"", ""},        "grow or shrink an app to N instances (or +N, -N)",  false, setup_scale},
    CommandSpec{registered(cmd::kSend),      {"", ""},        "send a JSON message to instances (process.on('message'))", false, setup_send},
    CommandSpec{registered(cmd::kSignal),    {"sendSignal", ""}, "send a signal to the process of instances",       false, setup_signal},
    CommandSpec{registered(cmd::kStart),     {"", ""},        "start an app with one or more instances",           true,  setup_start},
    CommandSpec{registered("startup"),       {"", ""},        "print or install the systemd unit that starts tend at boot", false, setup_startup},
    CommandSpec{registered(cmd::kStop),      {"", ""},        "stop instances gracefully",                         false, setup_stop},
    CommandSpec{registered("unstartup"),     {"", ""},        "disable and remove the unit `tend startup --install` wrote", false, setup_unstartup},
    CommandSpec{registered(cmd::kUpdate),    {"", ""},        "replace the daemon by the tendd installed now; apps keep running", false, setup_update},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> command_table() {
    return kCommands;
}

const CommandSpec* find_command(std::string_view word) {
    for (const auto& spec : kCommands) {
        if (spec.name() == word) return &spec;
        for (auto alias : spec.aliases)
            if (!alias.empty() && alias == word) return &spec;
    }
    return nullptr;
}

std::vector<std::string> command_words() {
    std::vector<std::string> words;
    for (const auto& spec : kCommands) {
        words.emplace_back(spec.name());
        for (auto alias : spec.aliases)
            if (!alias.empty()) words.emplace_back(alias);
    }
    return words;
}

std::string unknown_command_message(std::string_view word) {
    return "unknown command '" + std::string(word) + "'" + did_you_mean(word, command_words());
}

CommandApp build_command_app(const CommandSpec& spec) {
    auto app =
        std::make_unique<CLI::App>(std::string(spec.help), "tend " + std::string(spec.name()));
    app->set_help_flag("-h,--help", "show this help and exit");
    // Unknown options and extra words are collected and reported by run(),
    // in tend's words rather than CLI11's.
    app->allow_extras();
    CommandRunner runner = spec.setup(*app);
    return CommandApp{std::move(app), std::move(runner)};
}

}  // namespace tend
