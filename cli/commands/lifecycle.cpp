// `tend stop|restart|delete|reload <target>...`: one request naming the
// targets; the daemon replies once the instances have stopped, restarted or
// been replaced. An ecosystem file among the targets stands for its apps.
// Instances a restart or reload could not bring up fail the command (exit 1)
// once the table is printed.
#include <algorithm>
#include <memory>
#include <optional>

#include "cli/commands/commands.h"
#include "cli/ecosystem/ecosystem_file.h"
#include "cli/ecosystem/ecosystem_loader.h"
#include "cli/usage_error.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

struct Lifecycle {
    const char* command;  // the word in usage errors
    const char* done;     // "stopped", "restarted", "deleted"
};

constexpr Lifecycle kStop{cmd::kStop, "stopped"};
constexpr Lifecycle kRestart{cmd::kRestart, "restarted"};
constexpr Lifecycle kDelete{cmd::kDelete, "deleted"};
constexpr Lifecycle kReload{cmd::kReload, "reloaded"};

struct LifecycleFlags {
    TargetsArgs args;
    std::string only;
    std::optional<std::string> instance;
};

int run_lifecycle(const Lifecycle& what, const LifecycleFlags& flags, CommandContext& ctx) {
    TargetsArgs args = flags.args;
    const std::string& only = flags.only;
    args.instance = instance_index(flags.instance);
    args.cwd = cli_cwd();
    if (args.targets.empty() && !args.instance)
        throw UsageError(std::string("'") + what.command +
                         "' needs at least one target: an id, an app name, a namespace, a "
                         "script, 'all' or --instance N");
    bool has_file = std::any_of(args.targets.begin(), args.targets.end(),
                                [](const std::string& t) { return is_ecosystem_file(t); });
    if (!only.empty() && !has_file)
        throw UsageError("--only needs an ecosystem file among the targets");
    if (has_file) {
        args.targets = expand_file_targets(args.targets, only);
        if (args.targets.empty()) throw UsageError("no app selected in the ecosystem file");
    }
    auto affected = decode_result<ActionResult>(ctx.call(args));
    print_now(std::string("[tend] ") + what.done + " " + std::to_string(affected.instances.size()) +
              " instance(s)\n");
    print_instance_table(ctx);
    throw_action_failures(affected);
    return 0;
}

CommandRunner setup_lifecycle(CLI::App& app, const Lifecycle& what) {
    auto f = std::make_shared<LifecycleFlags>();
    add_targets(app, f->args.targets);
    add_value_option(app, "--only", f->only,
                     "with an ecosystem file: only these of its apps or namespaces", "APP,NS");
    add_instance_option(app, f->instance);
    return [&what, f](CommandContext& ctx) { return run_lifecycle(what, *f, ctx); };
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
