// What restart and reload apply before they replace instances: the new
// specs of `tend reload <file>` and the CLI's environment of
// `--update-env`, through the table's one path for a new spec.
#include <algorithm>

#include "daemon/control/handlers/handlers.h"
#include "daemon/process/spec_update.h"

namespace tend::handlers {
namespace {

// The names of the apps of ids, in table order, each once.
std::vector<std::string> apps_of(const std::vector<int>& ids, const ProcessTable& table) {
    std::vector<std::string> names;
    for (int id : ids) {
        const Instance* inst = table.find(id);
        if (inst && std::find(names.begin(), names.end(), inst->app) == names.end())
            names.push_back(inst->app);
    }
    return names;
}

// Every app's new spec: a file's, else (with --update-env) the running one
// with the new environment.
std::vector<AppSpec> next_specs(const SpecUpdateArgs& args, const std::vector<int>& ids,
                                const ProcessTable& table) {
    std::vector<AppSpec> next;
    auto update = [&](const AppSpec& running, const std::optional<AppSpec>& given) {
        next.push_back(updated_spec(running, given, args.update_env, table.starting_env(running)));
    };
    for (const auto& spec : args.specs) update(table.app_named(spec.name).spec, spec);
    if (!args.update_env) return next;
    for (const auto& name : apps_of(ids, table)) {
        bool given = std::any_of(args.specs.begin(), args.specs.end(),
                                 [&](const AppSpec& s) { return s.name == name; });
        if (!given) update(table.app_named(name).spec, std::nullopt);
    }
    return next;
}

}  // namespace

std::vector<int> apply_spec_updates(const SpecUpdateArgs& args, const std::vector<int>& ids,
                                    ProcessTable& table) {
    std::vector<AppSpec> next = next_specs(args, ids, table);
    // All or nothing: a bad spec among several leaves every app as it was.
    for (const auto& spec : next) table.check_replacement(spec);
    std::vector<int> changed;
    for (auto& spec : next) {
        std::vector<int> scaled = table.replace_spec(std::move(spec));
        changed.insert(changed.end(), scaled.begin(), scaled.end());
    }
    return changed;
}

}  // namespace tend::handlers
