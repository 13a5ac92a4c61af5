// `tend stop|restart|delete|reload <target>...`: one request naming the
// targets; the daemon replies once the instances have stopped, restarted or
// been replaced. An ecosystem file among the targets stands for its apps;
// restart and reload apply it (new specs, apps not running started), and
// --update-env gives the apps this shell's environment.
// Instances a restart or reload could not bring up fail the command (exit 1)
// once the table is printed.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>

#include "cli/commands/commands.h"
#include "cli/ecosystem/dependency_order.h"
#include "cli/ecosystem/ecosystem_file.h"
#include "cli/ecosystem/ecosystem_loader.h"
#include "cli/usage_error.h"
#include "common/commands.h"
#include "common/environment.h"
#include "common/messages.h"

namespace tend {
namespace {

struct Lifecycle {
    const char* command;  // the word in usage errors
    const char* done;     // "stopped", "restarted", "deleted"
    bool applies_spec;    // restart, reload: an ecosystem file's changes, --update-env
};

constexpr Lifecycle kStop{cmd::kStop, "stopped", false};
constexpr Lifecycle kRestart{cmd::kRestart, "restarted", true};
constexpr Lifecycle kDelete{cmd::kDelete, "deleted", false};
constexpr Lifecycle kReload{cmd::kReload, "reloaded", true};

struct LifecycleOptions {
    std::string only;
    std::vector<std::string> env;  // with a file: NAME picks env_NAME
    bool update_env = false;
    std::optional<std::string> instance;  // --instance N, as given
};

std::set<std::string> running_apps(const CommandContext& ctx) {
    auto list = decode_result<InstancesResult>(ctx.call(cmd::kList, ListArgs{}));
    std::set<std::string> names;
    for (const auto& info : list.instances) names.insert(info.name);
    return names;
}

// restart and reload of a file apply it: an app that runs gets the file's
// spec, one that does not is started (PM2's startOrRestart and
// startOrReload, which its restart and reload of a file are too). The
// targets left to act on are returned; update gets the specs, and
// start_failed whether an app failed to start (its error is printed).
std::vector<std::string> apply_files(const std::vector<std::string>& targets,
                                     const LifecycleOptions& options, SpecUpdateArgs& update,
                                     bool& start_failed, CommandContext& ctx) {
    std::set<std::string> running = running_apps(ctx);
    std::vector<std::string> left;
    for (const auto& target : targets) {
        if (!is_ecosystem_file(target)) {
            left.push_back(target);
            continue;
        }
        EcosystemApps apps = load_ecosystem_apps(target, options.only, options.env);
        if (apps.specs.empty()) throw UsageError("no app selected in the ecosystem file");
        for (const auto& warning : apps.warnings)
            std::fprintf(stderr, "tend: warning: %s\n", warning.c_str());
        std::vector<AppSpec> to_start;
        for (auto& spec : apps.specs) {
            if (!running.count(spec.name)) {
                to_start.push_back(std::move(spec));
                continue;
            }
            left.push_back(spec.name);
            update.specs.push_back(std::move(spec));
        }
        // Started as `tend start FILE` would: in depends_on order.
        if (!to_start.empty())
            start_failed |=
                !start_in_dependency_order(std::move(to_start), false, kDependencyTimeout, ctx);
    }
    return left;
}

// Stop and delete of a file whose apps depend on each other go in waves,
// dependants first (api, then migrate, then db), each wave's reply waiting
// for its exits; other targets go with the first wave. Empty when no app
// of the files depends on another: one request does it all.
std::vector<std::vector<std::string>> reverse_waves(const std::vector<std::string>& targets,
                                                    const std::string& only) {
    std::vector<AppDependencies> apps;
    std::vector<std::string> others;
    for (const auto& target : targets) {
        if (!is_ecosystem_file(target)) {
            others.push_back(target);
            continue;
        }
        auto file_apps = load_ecosystem_dependencies(target, only);
        apps.insert(apps.end(), file_apps.begin(), file_apps.end());
    }
    bool ordered = std::any_of(apps.begin(), apps.end(),
                               [](const AppDependencies& a) { return !a.depends_on.empty(); });
    if (!ordered) return {};
    auto waves = stop_waves(apps);
    waves.front().insert(waves.front().begin(), others.begin(), others.end());
    return waves;
}

bool names_a_file(const std::vector<std::string>& targets) {
    return std::any_of(targets.begin(), targets.end(),
                       [](const std::string& t) { return is_ecosystem_file(t); });
}

void check_options(const Lifecycle& what, const TargetsArgs& args,
                   const LifecycleOptions& options) {
    if (args.targets.empty() && !args.instance)
        throw UsageError(std::string("'") + what.command +
                         "' needs at least one target: an id, an app name, a namespace, a "
                         "script, 'all' or --instance N");
    bool has_file = names_a_file(args.targets);
    if (!options.only.empty() && !has_file)
        throw UsageError("--only needs an ecosystem file among the targets");
    if (!options.env.empty() && !has_file)
        throw UsageError(
            "--env needs an ecosystem file among the targets: use --update-env "
            "to take this shell's environment");
}

int run_in_waves(const Lifecycle& what, TargetsArgs args,
                 const std::vector<std::vector<std::string>>& waves, CommandContext& ctx) {
    ActionResult all;
    for (const auto& wave : waves) {
        args.targets = wave;
        auto affected = decode_result<ActionResult>(ctx.call(args));
        all.errored.insert(all.errored.end(), affected.errored.begin(), affected.errored.end());
        all.instances.insert(all.instances.end(), affected.instances.begin(),
                             affected.instances.end());
    }
    print_now(std::string("[tend] ") + what.done + " " + std::to_string(all.instances.size()) +
              " instance(s)\n");
    print_instance_table(ctx);
    throw_action_failures(all);
    return 0;
}

int run_lifecycle(const Lifecycle& what, TargetsArgs args, const LifecycleOptions& options,
                  CommandContext& ctx) {
    args.instance = instance_index(options.instance);
    args.cwd = cli_cwd();
    check_options(what, args, options);
    SpecUpdateArgs update;
    bool start_failed = false;
    if (what.applies_spec && options.update_env) update.update_env = current_environment();
    if (what.applies_spec && names_a_file(args.targets)) {
        args.targets = apply_files(args.targets, options, update, start_failed, ctx);
        if (args.targets.empty()) {  // every app of the file was started, or failed to
            print_instance_table(ctx);
            return start_failed ? 1 : 0;
        }
    } else if (names_a_file(args.targets)) {
        auto waves = reverse_waves(args.targets, options.only);
        if (!waves.empty()) return run_in_waves(what, args, waves, ctx);
        args.targets = expand_file_targets(args.targets, options.only);
        if (args.targets.empty()) throw UsageError("no app selected in the ecosystem file");
    }
    json request = args;
    if (what.applies_spec) request.update(json(update));
    auto affected = decode_result<ActionResult>(ctx.call(request));
    print_now(std::string("[tend] ") + what.done + " " + std::to_string(affected.instances.size()) +
              " instance(s)\n");
    print_instance_table(ctx);
    throw_action_failures(affected);
    return start_failed ? 1 : 0;
}

CommandRunner setup_lifecycle(CLI::App& app, const Lifecycle& what) {
    auto args = std::make_shared<TargetsArgs>();
    auto options = std::make_shared<LifecycleOptions>();
    add_targets(app, args->targets);
    add_value_option(app, "--only", options->only,
                     "with an ecosystem file: only these of its apps or namespaces", "APP,NS");
    add_instance_option(app, options->instance);
    if (what.applies_spec) {
        app.add_option("--env", options->env, "with an ecosystem file: NAME picks env_NAME")
            ->type_name("NAME")
            ->allow_extra_args(false);
        app.add_flag("--update-env", options->update_env,
                     "merge this shell's environment over the one the app was started from");
    }
    return [&what, args, options](CommandContext& ctx) {
        return run_lifecycle(what, *args, *options, ctx);
    };
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
