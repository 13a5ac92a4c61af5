// depends_on as a graph: checks, closures, stop waves, and conditions.
#include "cli/ecosystem/dependency_order.h"

#include <algorithm>
#include <functional>

#include "cli/usage_error.h"
#include "common/errors.h"
#include "common/text.h"

namespace tend {
namespace {

[[noreturn]] void refuse_graph(const std::string& message) {
    throw TendError(ErrorCode::kBadRequest, message);
}

const AppDependencies* find_app(const std::vector<AppDependencies>& apps, const std::string& name) {
    for (const auto& app : apps)
        if (app.name == name) return &app;
    return nullptr;
}

// Depth-first, with the path so far, so a cycle is named as it runs.
void find_cycle(const std::vector<AppDependencies>& apps, const AppDependencies& app,
                std::vector<std::string>& path, std::set<std::string>& done) {
    if (done.count(app.name)) return;
    if (auto at = std::find(path.begin(), path.end(), app.name); at != path.end()) {
        std::string cycle;
        for (auto it = at; it != path.end(); ++it) cycle.append(*it).append(" -> ");
        refuse_graph("a cycle in depends_on: " + cycle.append(app.name));
    }
    path.push_back(app.name);
    for (const auto& [dep, condition] : app.depends_on)
        if (const AppDependencies* next = find_app(apps, dep)) find_cycle(apps, *next, path, done);
    path.pop_back();
    done.insert(app.name);
}

std::string exit_text(const InstanceInfo& i) {
    if (i.exit_signal) return "was killed by " + *i.exit_signal;
    return "exited with code " + std::to_string(i.exit_code.value_or(0));
}

bool is_up(InstanceState s) {
    return s == InstanceState::kLaunching || s == InstanceState::kOnline;
}

}  // namespace

std::vector<AppDependencies> dependencies_of(const std::vector<AppSpec>& specs) {
    std::vector<AppDependencies> deps;
    for (const auto& spec : specs) deps.push_back({spec.name, spec.depends_on});
    return deps;
}

void check_dependencies(const std::vector<AppDependencies>& apps,
                        const std::set<std::string>& running) {
    std::vector<std::string> names;
    for (const auto& app : apps) names.push_back(app.name);
    names.insert(names.end(), running.begin(), running.end());
    for (const auto& app : apps)
        for (const auto& [dep, condition] : app.depends_on)
            if (!find_app(apps, dep) && !running.count(dep))
                refuse_graph("'" + app.name + "' depends on '" + dep +
                             "', which is not an app of this file or of the daemon" +
                             did_you_mean(dep, names));
    std::set<std::string> done;
    for (const auto& app : apps) {
        std::vector<std::string> path;
        find_cycle(apps, app, path, done);
    }
}

std::set<std::string> with_dependencies(const std::vector<AppDependencies>& apps,
                                        const std::set<std::string>& chosen) {
    std::set<std::string> all;
    std::function<void(const std::string&)> add = [&](const std::string& name) {
        if (!all.insert(name).second) return;
        if (const AppDependencies* app = find_app(apps, name))
            for (const auto& [dep, condition] : app->depends_on) add(dep);
    };
    for (const auto& name : chosen) add(name);
    return all;
}

std::vector<std::vector<std::string>> stop_waves(const std::vector<AppDependencies>& apps) {
    std::set<std::string> left;
    for (const auto& app : apps) left.insert(app.name);
    std::vector<std::vector<std::string>> waves;
    while (!left.empty()) {
        // What no app still to stop depends on.
        std::vector<std::string> wave;
        for (const auto& app : apps) {
            if (!left.count(app.name)) continue;
            bool needed = std::any_of(apps.begin(), apps.end(), [&](const AppDependencies& other) {
                return left.count(other.name) && other.depends_on.count(app.name);
            });
            if (!needed) wave.push_back(app.name);
        }
        if (wave.empty())  // a cycle: check_dependencies refuses it, but never loop
            wave.assign(left.begin(), left.end());
        for (const auto& name : wave) left.erase(name);
        waves.push_back(std::move(wave));
    }
    return waves;
}

DependencyState dependency_state(const std::string& condition,
                                 const std::vector<InstanceInfo>& instances) {
    using Kind = DependencyState::Kind;
    if (instances.empty()) return {Kind::kWaiting, "not started"};
    bool all_met = true;
    std::string waiting;
    for (const auto& i : instances) {
        if (i.status == InstanceState::kErrored)
            return {Kind::kFailed, "errored" + (i.restart_reason_detail.empty()
                                                    ? ""
                                                    : " (" + i.restart_reason_detail + ")")};
        bool exited = i.status == InstanceState::kStopped || i.status == InstanceState::kCompleted;
        bool failed_exit =
            i.status == InstanceState::kStopped && (i.exit_signal || i.exit_code.value_or(0) != 0);
        bool met = false;
        if (condition == "completed_successfully") {
            if (i.status == InstanceState::kStopped) return {Kind::kFailed, exit_text(i)};
            met = i.status == InstanceState::kCompleted;
        } else if (condition == "started") {
            if (failed_exit) return {Kind::kFailed, exit_text(i)};
            met = i.status != InstanceState::kStopped && i.status != InstanceState::kStopping;
        } else {  // ready, healthy: serving, so an exit is a failure
            if (exited) return {Kind::kFailed, exit_text(i)};
            met = is_up(i.status) && i.ready;
            // An unhealthy instance is restarted by its liveness probe, so
            // it may yet pass: it is waited for, not failed.
            if (condition == "healthy" && !i.health.empty()) met = met && i.health == "healthy";
        }
        if (!met && waiting.empty()) waiting = std::string(to_string(i.status));
        all_met = all_met && met;
    }
    return all_met ? DependencyState{Kind::kMet, ""} : DependencyState{Kind::kWaiting, waiting};
}

}  // namespace tend
