// `tend describe <target>...`: every field of the matching instances, one
// block each.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/render/describe.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {
namespace {

int run_describe(const TargetsArgs& args, CommandContext& ctx) {
    if (args.targets.empty())
        throw UsageError("'describe' needs at least one target: an id, an app name or 'all'");
    auto found = decode_result<InstancesResult>(ctx.call(args));
    std::string out;
    for (const auto& info : found.instances) {
        if (!out.empty()) out += "\n";
        out += render_describe(info, ctx.colour_out);
    }
    print_now(out);
    return 0;
}

}  // namespace

CommandRunner setup_describe(CLI::App& app) {
    auto args = std::make_shared<TargetsArgs>();
    add_targets(app, args->targets);
    return [args](CommandContext& ctx) { return run_describe(*args, ctx); };
}

}  // namespace tend
