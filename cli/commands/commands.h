// The setup function of every command (registered in cli/command_table.cpp)
// and the few helpers several commands share.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_context.h"
#include "common/messages.h"

namespace tend {

struct StartFlags;

CommandRunner setup_cleardump(CLI::App& app);
CommandRunner setup_completion(CLI::App& app);
CommandRunner setup_delete(CLI::App& app);
CommandRunner setup_describe(CLI::App& app);
CommandRunner setup_ecosystem(CLI::App& app);
CommandRunner setup_env(CLI::App& app);
CommandRunner setup_flush(CLI::App& app);
CommandRunner setup_help(CLI::App& app);
CommandRunner setup_http(CLI::App& app);
CommandRunner setup_jlist(CLI::App& app);
CommandRunner setup_kill(CLI::App& app);
CommandRunner setup_update(CLI::App& app);
CommandRunner setup_list(CLI::App& app);
CommandRunner setup_logs(CLI::App& app);
CommandRunner setup_monit(CLI::App& app);
CommandRunner setup_ping(CLI::App& app);
CommandRunner setup_prettylist(CLI::App& app);
CommandRunner setup_events(CLI::App& app);
CommandRunner setup_export(CLI::App& app);
CommandRunner setup_reload(CLI::App& app);
CommandRunner setup_reload_logs(CLI::App& app);
CommandRunner setup_report(CLI::App& app);
CommandRunner setup_reset(CLI::App& app);
CommandRunner setup_restart(CLI::App& app);
CommandRunner setup_resurrect(CLI::App& app);
CommandRunner setup_save(CLI::App& app);
CommandRunner setup_scale(CLI::App& app);
CommandRunner setup_send(CLI::App& app);
CommandRunner setup_signal(CLI::App& app);
CommandRunner setup_start(CLI::App& app);
CommandRunner setup_startup(CLI::App& app);
CommandRunner setup_stop(CLI::App& app);
CommandRunner setup_unstartup(CLI::App& app);

// `tend help` and `tend` alone: what tend is and the command list.
std::string general_help();

// Starts one app of an ecosystem file and prints a line saying so; an
// error is printed and false returned, so the next app goes on, as PM2 does.
bool start_file_app(AppSpec spec, CommandContext& ctx);

// Starts a file's apps in depends_on order (start_in_order.cpp): each once
// its dependencies meet their conditions, independent ones at once. Checks
// the graph first (an unknown name or a cycle starts nothing). A failed
// dependency leaves its dependants unstarted, named on stderr; so does one
// that has not met its condition within timeout. With no_deps, every app
// starts at once. Returns whether all started.
inline constexpr std::chrono::minutes kDependencyTimeout{5};  // --deps-timeout's default
bool start_in_dependency_order(std::vector<AppSpec> specs, bool no_deps,
                               std::chrono::milliseconds timeout, CommandContext& ctx);

// Asks the daemon for the list and prints the instance table on stdout.
void print_instance_table(const CommandContext& ctx);

// Throws the error naming the instances a restart, reload or scale could
// not bring up, if there are any; called once the table is printed.
void throw_action_failures(const ActionResult& result);

// Adds an option that takes one value as written (the handler validates
// it); given twice, the last one wins.
CLI::Option* add_value_option(CLI::App& app, const std::string& names, std::string& value,
                              const std::string& help, const std::string& type_name);

// Adds the positional target list: ids, app names, namespaces, scripts or `all`.
void add_targets(CLI::App& app, std::vector<std::string>& targets);

// `tend start`'s probe, cron and watch options (start_supervision_options.cpp).
void add_supervision_options(CLI::App& app, StartFlags& flags);

// Adds `--instance N` (an instance index within each app); the text is kept
// as typed and read by instance_index().
void add_instance_option(CLI::App& app, std::optional<std::string>& instance);
std::optional<int> instance_index(const std::optional<std::string>& instance);

// The directory tend runs in: the daemon resolves relative script targets there.
std::string cli_cwd();

// Writes text to stdout at once, so pipes see it as it comes.
void print_now(const std::string& text);

}  // namespace tend
