// The table itself, and lookups over it. Adding a command is one row here and
// one file in cli/commands/.
#include "cli/command_table.h"

#include "cli/commands/commands.h"
#include "cli/usage_error.h"

namespace tend {
namespace {

// clang-format off
// Columns: name, aliases, help, starts_daemon, streams, mutates, passthrough, setup.
constexpr std::array kCommands{
    CommandSpec{"cleardump", {"", ""},        "empty the dump, so resurrect starts nothing",       true,  false, true,  false, setup_cleardump},
    CommandSpec{"completion", {"", ""},       "print the shell completion script (bash, zsh, fish)", false, false, false, false, setup_completion},
    CommandSpec{"delete",   {"del", ""},      "stop instances and forget them",                    true,  false, true,  false, setup_delete},
    CommandSpec{"describe", {"", ""},         "show every field of the matching instances",        true,  false, false, false, setup_describe},
    CommandSpec{"ecosystem", {"init", ""},    "write a commented sample ecosystem.config.js here", false, false, false, false, setup_ecosystem},
    CommandSpec{"events",   {"", ""},         "stream the messages instances send (JSON lines)",   true,  true,  false, false, setup_events},
    CommandSpec{"flush",    {"", ""},         "empty log files (every app's without a target)",    true,  false, true,  false, setup_flush},
    CommandSpec{"help",     {"", ""},         "list the commands, or show one command's options",  false, false, false, false, setup_help},
    CommandSpec{"jlist",    {"", ""},         "print the instance list as one JSON array",         true,  false, false, false, setup_jlist},
    CommandSpec{"kill",     {"", ""},         "stop every app gracefully, then the daemon",        false, false, true,  false, setup_kill},
    CommandSpec{"list",     {"ls", "status"}, "show the instance table",                           true,  false, false, false, setup_list},
    CommandSpec{"logs",     {"", ""},         "print the last log lines, then follow them",        true,  true,  false, false, setup_logs},
    CommandSpec{"monit",    {"", ""},         "live dashboard: processes, logs and metrics",       true,  true,  false, false, setup_monit},
    CommandSpec{"ping",     {"", ""},         "check that the daemon answers",                     false, false, false, false, setup_ping},
    CommandSpec{"reload",   {"", ""},         "replace instances one by one with no downtime",     true,  false, true,  false, setup_reload},
    CommandSpec{"restart",  {"", ""},         "stop then start instances",                         true,  false, true,  false, setup_restart},
    CommandSpec{"resurrect", {"", ""},        "start the apps of the last save again",             true,  false, true,  false, setup_resurrect},
    CommandSpec{"save",     {"", ""},         "write every app's spec to the dump for resurrect",  true,  false, false, false, setup_save},
    CommandSpec{"scale",    {"", ""},         "grow or shrink an app to N instances (or +N, -N)",  true,  false, true,  false, setup_scale},
    CommandSpec{"send",     {"", ""},         "send a JSON message to instances (process.on('message'))", true, false, false, false, setup_send},
    CommandSpec{"start",    {"", ""},         "start an app with one or more instances",           true,  false, true,  true,  setup_start},
    CommandSpec{"startup",  {"", ""},         "print or install the systemd unit that starts tend at boot", false, false, false, false, setup_startup},
    CommandSpec{"stop",     {"", ""},         "stop instances gracefully",                         true,  false, true,  false, setup_stop},
    CommandSpec{"unstartup", {"", ""},        "disable and remove the unit `tend startup --install` wrote", false, false, false, false, setup_unstartup},
};
// clang-format on

}  // namespace

std::span<const CommandSpec> command_table() {
    return kCommands;
}

const CommandSpec* find_command(std::string_view word) {
    for (const auto& spec : kCommands) {
        if (spec.name == word) return &spec;
        for (auto alias : spec.aliases)
            if (!alias.empty() && alias == word) return &spec;
    }
    return nullptr;
}

std::vector<std::string> command_words() {
    std::vector<std::string> words;
    for (const auto& spec : kCommands) {
        words.emplace_back(spec.name);
        for (auto alias : spec.aliases)
            if (!alias.empty()) words.emplace_back(alias);
    }
    return words;
}

std::string unknown_command_message(std::string_view word) {
    return "unknown command '" + std::string(word) + "'" + did_you_mean(word, command_words());
}

CommandApp build_command_app(const CommandSpec& spec) {
    auto app = std::make_unique<CLI::App>(std::string(spec.help), "tend " + std::string(spec.name));
    app->set_help_flag("-h,--help", "show this help and exit");
    // Unknown options and extra words are collected and reported by run(),
    // in tend's words rather than CLI11's.
    app->allow_extras();
    CommandRunner runner = spec.setup(*app);
    return CommandApp{std::move(app), std::move(runner)};
}

}  // namespace tend
