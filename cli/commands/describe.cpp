// `tend describe <target>...`: every field of the matching instances, one
// block each.
#include <memory>
#include <optional>

#include "cli/commands/commands.h"
#include "cli/render/describe.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {
namespace {

struct DescribeFlags {
    TargetsArgs args;
    std::optional<std::string> instance;
};

int run_describe(const DescribeFlags& flags, CommandContext& ctx) {
    TargetsArgs args = flags.args;
    args.instance = instance_index(flags.instance);
    args.cwd = cli_cwd();
    if (args.targets.empty() && !args.instance)
        throw UsageError(
            "'describe' needs at least one target: an id, an app name, a namespace, a script, "
            "'all' or --instance N");
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
    auto f = std::make_shared<DescribeFlags>();
    add_targets(app, f->args.targets);
    add_instance_option(app, f->instance);
    return [f](CommandContext& ctx) { return run_describe(*f, ctx); };
}

}  // namespace tend
