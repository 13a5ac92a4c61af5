// Dispatch: global flags, the command table lookup, CLI11 parsing of one
// command's options, and the one place where errors become exit codes.
#include "cli/run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/command_table.h"
#include "cli/commands/commands.h"
#include "cli/completion/complete_command.h"
#include "cli/terminal.h"
#include "cli/usage_error.h"
#include "common/cli11_errors.h"
#include "common/errors.h"
#include "common/version.h"

namespace tend {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void report(const std::string& message) {
    std::fprintf(stderr, "tend: error: %s\n", message.c_str());
}

// Every spelling of the options app knows, for "did you mean".
std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options()) {
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
    return names;
}

// Throws for the first word CLI11 could not place: an unknown option or an
// argument too many.
void reject_extras(const CLI::App& app, std::string_view command) {
    auto extras = app.remaining();
    if (extras.empty()) return;
    const std::string& word = extras.front();
    if (word.size() > 1 && word[0] == '-') {
        std::string option = word.substr(0, word.find('='));
        throw UsageError("unknown option '" + option + "' for '" + std::string(command) + "'" +
                         did_you_mean(option, option_names(app)));
    }
    throw UsageError("unexpected argument '" + word + "' for '" + std::string(command) + "'");
}

// Words after the first `--` leave the command line for commands that pass
// them on; CLI11 never sees them.
std::vector<std::string> take_passthrough(std::vector<std::string>& args) {
    auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes == args.end()) return {};
    std::vector<std::string> rest(dashes + 1, args.end());
    args.erase(dashes, args.end());
    return rest;
}

// The global flags tend takes before a command: --version and --help.
int run_global_flag(const std::string& flag) {
    if (flag == "--version" || flag == "-v" || flag == "-V") {
        std::printf("tend %s\n", kVersion);
        return 0;
    }
    if (flag == "--help" || flag == "-h") {
        std::fputs(general_help().c_str(), stdout);
        return 0;
    }
    throw UsageError("unknown option '" + flag + "'" + did_you_mean(flag, {"--version", "--help"}));
}

int run_command(const CommandSpec& spec, std::vector<std::string> args) {
    CommandContext ctx;
    if (spec.passthrough) ctx.passthrough = take_passthrough(args);
    CommandApp command = build_command_app(spec);
    std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
    try {
        command.app->parse(std::move(args));
    } catch (const CLI::CallForHelp&) {
        std::fputs(command.app->help().c_str(), stdout);
        return 0;
    } catch (const CLI::ParseError& e) {
        throw UsageError(describe_parse_error(e));
    }
    reject_extras(*command.app, spec.name());
    ctx.paths = resolve_paths();
    ctx.starts_daemon = spec.command->starts_daemon;
    ctx.request = spec.command->request;
    ctx.colour_out = colour_enabled(STDOUT_FILENO);
    ctx.colour_err = colour_enabled(STDERR_FILENO);
    return command.runner(ctx);
}

int dispatch(std::vector<std::string> args) {
    if (args.empty()) {
        // As PM2: the usage, and a failure, since no command was run.
        std::fputs(general_help().c_str(), stdout);
        return kExitFailure;
    }
    std::string first = args.front();
    if (first.size() > 1 && first[0] == '-') return run_global_flag(first);
    if (first == kCompleteCommand) return run_complete({args.begin() + 1, args.end()});
    const CommandSpec* spec = find_command(first);
    if (!spec) throw UsageError(unknown_command_message(first));
    args.erase(args.begin());
    return run_command(*spec, std::move(args));
}

}  // namespace

int run_args(std::vector<std::string> args) {
    try {
        return dispatch(std::move(args));
    } catch (const UsageError& e) {
        report(e.what());
        return kExitUsage;
    } catch (const TendError& e) {
        report(e.what());
        return kExitFailure;
    } catch (const std::exception& e) {
        report(e.what());
        return kExitFailure;
    }
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    int code = run_args(std::move(args));
    std::fflush(stdout);
    return code;
}

}  // namespace tend
