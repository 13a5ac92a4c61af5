// `tend scale <name> <N|+N|-N>`: an absolute instance count, or one relative
// to the current count. Shrinking stops the highest indexes gracefully; new
// instances that cannot be spawned fail the command (exit 1).
#include <memory>
#include <optional>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/messages.h"
#include "common/text.h"

namespace tend {
namespace {

struct ScaleFlags {
    std::string name;
    std::string count;
    std::optional<std::string> instance;
};

ScaleArgs scale_args(const ScaleFlags& f) {
    if (f.name.empty() || f.count.empty())
        throw UsageError("'scale' needs an app name and a count: tend scale api 4 (or +2, -1)");
    ScaleArgs args{f.name, 0, f.count[0] == '+' || f.count[0] == '-', std::nullopt};
    std::string_view digits = f.count;
    if (args.relative) digits.remove_prefix(1);
    auto n = parse_int(digits);
    if (!n || *n > 10000)
        throw UsageError("scale: expected a count such as 4, +2 or -1, got '" + f.count + "'");
    args.count = static_cast<int>(f.count[0] == '-' ? -*n : *n);
    args.instance = instance_index(f.instance);
    return args;
}

int run_scale(const ScaleFlags& flags, CommandContext& ctx) {
    ScaleArgs args = scale_args(flags);
    auto now = decode_result<ActionResult>(ctx.call(args));
    print_now("[tend] scaled '" + args.name + "' to " + std::to_string(now.instances.size()) +
              " instance(s)\n");
    print_instance_table(ctx);
    throw_action_failures(now);
    return 0;
}

}  // namespace

CommandRunner setup_scale(CLI::App& app) {
    auto f = std::make_shared<ScaleFlags>();
    app.add_option("name", f->name, "the app's name")->type_name("NAME");
    app.add_option("count", f->count, "N instances, or +N / -N more or fewer")->type_name("N");
    add_instance_option(app, f->instance);
    app.footer(
        "With --instance N, a shrink by one removes that instance: tend scale api -1 "
        "--instance 0");
    return [f](CommandContext& ctx) { return run_scale(*f, ctx); };
}

}  // namespace tend
