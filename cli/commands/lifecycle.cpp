// `tend stop|restart|delete|reload <target>...`: one request naming the
// targets; the daemon replies once the instances have stopped, restarted or
// been replaced.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {
namespace {

struct Lifecycle {
    const char* command;  // wire name, also the word in usage errors
    const char* done;     // "stopped", "restarted", "deleted"
};

constexpr Lifecycle kStop{cmd::kStop, "stopped"};
constexpr Lifecycle kRestart{cmd::kRestart, "restarted"};
constexpr Lifecycle kDelete{cmd::kDelete, "deleted"};
constexpr Lifecycle kReload{cmd::kReload, "reloaded"};

int run_lifecycle(const Lifecycle& what, const TargetsArgs& args, CommandContext& ctx) {
    if (args.targets.empty())
        throw UsageError(std::string("'") + what.command +
                         "' needs at least one target: an id, an app name or 'all'");
    auto affected = decode_result<InstancesResult>(ctx.call(what.command, args));
    print_now(std::string("[tend] ") + what.done + " " + std::to_string(affected.instances.size()) +
              " instance(s)\n");
    print_instance_table(ctx);
    return 0;
}

CommandRunner setup_lifecycle(CLI::App& app, const Lifecycle& what) {
    auto args = std::make_shared<TargetsArgs>();
    add_targets(app, args->targets);
    return [&what, args](CommandContext& ctx) { return run_lifecycle(what, *args, ctx); };
}

}  // namespace

CommandRunner setup_stop(CLI::App& app) {
    return setup_lifecycle(app, kStop);
}
CommandRunner setup_restart(CLI::App& app) {
    return setup_lifecycle(app, kRestart);
}
CommandRunner setup_delete(CLI::App& app) {
    return setup_lifecycle(app, kDelete);
}
CommandRunner setup_reload(CLI::App& app) {
    return setup_lifecycle(app, kReload);
}

}  // namespace tend
