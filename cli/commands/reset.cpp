// `tend reset <target>...`: restart counts and unstable restarts back to
// zero, then the table.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_reset(CLI::App& app) {
    auto args = std::make_shared<TargetsArgs>();
    add_targets(app, args->targets);
    return [args](CommandContext& ctx) {
        if (args->targets.empty())
            throw UsageError("'reset' needs at least one target: an id, an app name or 'all'");
        auto reset = decode_result<InstancesResult>(ctx.call(*args));
        print_now("[tend] reset " + std::to_string(reset.instances.size()) + " instance(s)\n");
        print_instance_table(ctx);
        return 0;
    };
}

}  // namespace tend
