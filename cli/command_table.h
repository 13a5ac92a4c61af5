// The CLI's command table: every `tend <command>`, its aliases, one-line
// help, and the function that registers its options on CLI11 and returns its
// handler. Its name and flags are its row of the registry (common/commands.h).
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_context.h"
#include "common/commands.h"

namespace tend {

// Registers a command's options and positionals on app; the runner it
// returns reads the parsed values once app has parsed.
using CommandSetup = CommandRunner (*)(CLI::App& app);

struct CommandSpec {
    const CommandInfo* command;               // name, starts_daemon, request
    std::array<std::string_view, 2> aliases;  // unused slots are empty
    std::string_view help;                    // one line, lowercase
    bool passthrough;  // the words after `--` go to the handler (start's script args)
    CommandSetup setup;

    std::string_view name() const { return command->name; }
};

// Every command, sorted by name.
std::span<const CommandSpec> command_table();

// The command named or aliased word; nullptr when there is none.
const CommandSpec* find_command(std::string_view word);

// Every name and alias, for suggestions.
std::vector<std::string> command_words();

// "unknown command 'strat' (did you mean 'start'?)".
std::string unknown_command_message(std::string_view word);

// A CLI11 app for one command with its options registered, and its runner.
struct CommandApp {
    std::unique_ptr<CLI::App> app;
    CommandRunner runner;
};
CommandApp build_command_app(const CommandSpec& spec);

}  // namespace tend
