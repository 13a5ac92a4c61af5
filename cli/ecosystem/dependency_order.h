// The order of an ecosystem file's apps by their depends_on: checking the
// graph (unknown names, cycles) before anything starts, the apps a selection
// needs, the waves a stop goes in, and whether a dependency's condition is
// met by what the daemon lists. Pure: the runner is cli/commands/start_in_order.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/instance_info.h"

namespace tend {

// One app and what it waits for: dependency name -> condition.
struct AppDependencies {
    std::string name;
    std::map<std::string, std::string> depends_on;
};

// Each spec's name and depends_on.
std::vector<AppDependencies> dependencies_of(const std::vector<AppSpec>& specs);

// Throws TendError(kBadRequest) naming the first dependency that is neither
// an app of the file nor one of `running` (apps the daemon has), then the
// first cycle ("a cycle in depends_on: api -> migrate -> api").
void check_dependencies(const std::vector<AppDependencies>& apps,
                        const std::set<std::string>& running);

// The names of `chosen` and everything they need in `apps`, transitively.
std::set<std::string> with_dependencies(const std::vector<AppDependencies>& apps,
                                        const std::set<std::string>& chosen);

// Stop and delete go in reverse: first the apps nothing left depends on,
// then what they needed, and so on. Each wave keeps the file's order. The
// graph must have passed check_dependencies (a cycle ends in one last wave).
std::vector<std::vector<std::string>> stop_waves(const std::vector<AppDependencies>& apps);

// Where one dependency stands, from its instances as the daemon lists them.
struct DependencyState {
    enum class Kind { kWaiting, kMet, kFailed };
    Kind kind = Kind::kWaiting;
    std::string why;  // kFailed: "exited with code 1"; kWaiting: "launching"
};
DependencyState dependency_state(const std::string& condition,
                                 const std::vector<InstanceInfo>& instances);

}  // namespace tend
