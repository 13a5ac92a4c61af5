// Ecosystem files read from disk for `tend start` and the lifecycle commands.
#include "cli/ecosystem/ecosystem_loader.h"

#include "cli/ecosystem/ecosystem_file.h"

namespace tend {

EcosystemApps load_ecosystem_apps(const std::string& path, const std::string& only,
                                  const std::vector<std::string>& env) {
    StartEnvironment start_env = current_start_environment();
    EcosystemSelection selection = make_selection(path, start_env.cwd, only, env);
    return ecosystem_apps(read_ecosystem_file(path), selection, start_env);
}

std::vector<AppDependencies> load_ecosystem_dependencies(const std::string& path,
                                                         const std::string& only) {
    std::string cwd = current_start_environment().cwd;
    return ecosystem_app_dependencies(read_ecosystem_file(path),
                                      make_selection(path, cwd, only, {}));
}

std::vector<std::string> expand_file_targets(const std::vector<std::string>& targets,
                                             const std::string& only) {
    std::vector<std::string> out;
    std::string cwd = current_start_environment().cwd;
    for (const auto& target : targets) {
        if (!is_ecosystem_file(target)) {
            out.push_back(target);
            continue;
        }
        auto names =
            ecosystem_app_names(read_ecosystem_file(target), make_selection(target, cwd, only, {}));
        out.insert(out.end(), names.begin(), names.end());
    }
    return out;
}

}  // namespace tend
