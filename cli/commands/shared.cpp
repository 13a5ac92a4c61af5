// Helpers several commands share: option registration in one style, the
// instance table after a change and what the change failed to do, and
// unbuffered printing.
#include <cstdio>
#include <filesystem>

#include "cli/client.h"
#include "cli/commands/commands.h"
#include "cli/render/action_failures.h"
#include "cli/render/table.h"
#include "cli/usage_error.h"
#include "common/commands.h"
#include "common/instance_info.h"
#include "common/messages.h"

namespace tend {

// The brief list (the table's fields only), read from the reply's text
// without a tree: at a thousand instances, parsing cost more than the rest.
void print_instance_table(const CommandContext& ctx) {
    std::string text = ctx.call_text(cmd::kList, ListArgs{false, true});
    auto instances = read_brief_instances(text);
    if (!instances) throw TendError(ErrorCode::kBadJson, "the daemon's list reply is not JSON");
    print_now(render_table(*instances, ctx.colour_out));
}

void throw_action_failures(const ActionResult& result) {
    std::string failures = action_failures(result);
    if (!failures.empty()) throw TendError(ErrorCode::kSpawnFailed, failures);
}

CLI::Option* add_value_option(CLI::App& app, const std::string& names, std::string& value,
                              const std::string& help, const std::string& type_name) {
    return app.add_option(names, value, help)
        ->type_name(type_name)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_targets(CLI::App& app, std::vector<std::string>& targets) {
    app.add_option("targets", targets,
                   "instance ids, app names, namespaces, scripts (app.js), or 'all'")
        ->type_name("TARGET");
}

void add_instance_option(CLI::App& app, std::optional<std::string>& instance) {
    app.add_option_function<std::string>(
           "--instance", [&instance](const std::string& text) { instance = text; },
           "only instance index N of each app the targets name")
        ->type_name("N")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

std::optional<int> instance_index(const std::optional<std::string>& instance) {
    if (!instance) return std::nullopt;
    return parse_option_small_int("--instance", *instance);
}

std::string cli_cwd() {
    std::error_code ec;
    auto cwd = std::filesystem::current_path(ec);
    return ec ? std::string() : cwd.string();
}

void print_now(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace tend
