// `tend help [command]`: the command list from the command table, or one
// command's options as `tend <command> --help` prints them.
#include <algorithm>
#include <memory>

#include "cli/command_table.h"
#include "cli/commands/commands.h"
#include "cli/render/format.h"
#include "cli/usage_error.h"
#include "common/version.h"

namespace tend {
namespace {

std::string names_of(const CommandSpec& spec) {
    std::string names(spec.name());
    for (auto alias : spec.aliases)
        if (!alias.empty()) names += ", " + std::string(alias);
    return names;
}

std::string command_help(std::string_view word) {
    const CommandSpec* spec = find_command(word);
    if (!spec) throw UsageError(unknown_command_message(word));
    return build_command_app(*spec).app->help();
}

}  // namespace

std::string general_help() {
    std::size_t width = 0;
    for (const auto& spec : command_table()) width = std::max(width, names_of(spec).size());
    std::string out = std::string("tend ") + kVersion + ": a process manager\n\n" +
                      "usage: tend <command> [options]\n\ncommands:\n";
    for (const auto& spec : command_table())
        out += "  " + pad_right(names_of(spec), width) + "  " + std::string(spec.help) + "\n";
    return out +
           "\nA target is an instance id, an app name, a namespace, a script (app.js) or "
           "'all';\n--instance N narrows it to that instance of each app.\n"
           "Run 'tend help <command>' for a command's options; 'tend --version' for the "
           "version.\n";
}

CommandRunner setup_help(CLI::App& app) {
    auto topic = std::make_shared<std::string>();
    app.add_option("command", *topic, "the command to explain")->type_name("COMMAND");
    return [topic](CommandContext&) {
        print_now(topic->empty() ? general_help() : command_help(*topic));
        return 0;
    };
}

}  // namespace tend
