// Helpers several commands share: option registration in one style, the
// instance table after a change and what the change failed to do, and
// unbuffered printing.
#include <cstdio>

#include "cli/client.h"
#include "cli/commands/commands.h"
#include "cli/render/action_failures.h"
#include "cli/render/table.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {

void print_instance_table(const CommandContext& ctx) {
    auto list = decode_result<InstancesResult>(ctx.call(cmd::kList, json::object()));
    print_now(render_table(list.instances, ctx.colour_out));
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
    app.add_option("targets", targets, "instance ids, app names, or 'all'")->type_name("TARGET");
}

void print_now(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace tend
