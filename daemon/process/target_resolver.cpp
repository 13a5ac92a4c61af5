// Target resolution: each target is tried as "all", an id, an app name, a
// namespace, then a script, in that order; the first that names something
// wins, as in PM2 (an app before a namespace).
#include "daemon/process/target_resolver.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "common/errors.h"
#include "common/paths.h"
#include "common/text.h"

namespace tend {
namespace {

using Apps = std::vector<TargetApp>;
using Picked = std::vector<const TargetApp*>;

Picked apps_where(const Apps& apps, auto&& keep) {
    Picked out;
    for (const auto& app : apps)
        if (keep(app)) out.push_back(&app);
    return out;
}

// "  /srv/a/app.js (api, api2)" for each distinct script of picked.
std::string script_candidates(const Picked& picked) {
    std::vector<std::string> scripts;
    for (const auto* app : picked)
        if (std::find(scripts.begin(), scripts.end(), app->script) == scripts.end())
            scripts.push_back(app->script);
    std::string text;
    for (const auto& script : scripts) {
        std::string names;
        for (const auto* app : picked)
            if (app->script == script) names += (names.empty() ? "" : ", ") + app->name;
        text += (text.empty() ? "" : "; ") + script + " (" + names + ")";
    }
    return text;
}

// The apps started from the script target names: its path against cwd
// (relative or absolute), else its bare file name when one script has it.
Picked apps_of_script(const std::string& target, const std::string& cwd, const Apps& apps) {
    if (!cwd.empty() || std::filesystem::path(target).is_absolute()) {
        std::string path = absolute_path(target, cwd);
        Picked exact = apps_where(apps, [&](const TargetApp& a) { return a.script == path; });
        if (!exact.empty() || target.find('/') != std::string::npos) return exact;
    }
    if (target.find('/') != std::string::npos) return {};
    Picked named = apps_where(apps, [&](const TargetApp& a) {
        return std::filesystem::path(a.script).filename() == target;
    });
    bool one_script = std::all_of(named.begin(), named.end(), [&](const TargetApp* a) {
        return a->script == named.front()->script;
    });
    if (!one_script)
        throw TendError(ErrorCode::kBadRequest,
                        "'" + target + "' is ambiguous: it is the script of " +
                            script_candidates(named) + "; give its path or an app name");
    return named;
}

std::vector<std::string> app_names(const Apps& apps) {
    std::vector<std::string> names;
    for (const auto& app : apps) names.push_back(app.name);
    return names;
}

std::string not_found(const std::string& target, const Apps& apps) {
    auto guess = closest_match(target, app_names(apps));
    return "no app, id, namespace or script '" + target + "'" +
           (guess ? " (did you mean '" + *guess + "'?)" : "");
}

// The apps a word other than "all" or an id names; warns when it is both
// an app and a namespace.
Picked apps_named_by(const std::string& target, const TargetQuery& query, const Apps& apps,
                     std::vector<std::string>& warnings) {
    Picked by_name = apps_where(apps, [&](const TargetApp& a) { return a.name == target; });
    Picked by_ns = apps_where(apps, [&](const TargetApp& a) { return a.ns == target; });
    if (!by_name.empty() && !by_ns.empty())
        warnings.push_back("'" + target + "' is both an app and a namespace: acting on the app");
    if (!by_name.empty()) return by_name;
    if (!by_ns.empty()) return by_ns;
    Picked by_script = apps_of_script(target, query.cwd, apps);
    if (by_script.empty()) throw TendError(ErrorCode::kNotFound, not_found(target, apps));
    return by_script;
}

void append_unique(std::vector<int>& out, int id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

// The members of picked, only index `instance` when given; a target whose
// apps have no such index is an error.
void add_members(const Picked& picked, const std::optional<int>& instance,
                 const std::string& target, std::vector<int>& ids) {
    bool any = false;
    for (const auto* app : picked)
        for (const auto& m : app->instances)
            if (!instance || m.index == *instance) {
                append_unique(ids, m.id);
                any = true;
            }
    if (instance && !any)
        throw TendError(ErrorCode::kNotFound,
                        "no instance " + std::to_string(*instance) + " of '" + target + "'");
}

Picked all_apps(const Apps& apps) {
    return apps_where(apps, [](const TargetApp&) { return true; });
}

// The app holding id as a one-app pick narrowed to that member.
std::optional<TargetApp> app_with_id(const Apps& apps, int id) {
    for (const auto& app : apps)
        for (const auto& m : app.instances)
            if (m.id == id) return TargetApp{app.name, app.ns, app.script, {m}};
    return std::nullopt;
}

}  // namespace

TargetResolution resolve_targets(const TargetQuery& query, const Apps& apps, bool allow_empty) {
    TargetResolution out;
    if (query.targets.empty()) {
        if (!allow_empty && !query.instance)
            throw TendError(ErrorCode::kBadRequest,
                            "no target given (an id, an app name, a namespace, a script or 'all')");
        add_members(all_apps(apps), query.instance, "all", out.ids);
        return out;
    }
    for (const auto& target : query.targets) {
        if (target == "all") {
            if (!apps.empty()) add_members(all_apps(apps), query.instance, target, out.ids);
        } else if (auto n = parse_int(target)) {
            auto app = n <= std::numeric_limits<int>::max()
                           ? app_with_id(apps, static_cast<int>(*n))
                           : std::nullopt;
            if (!app) throw TendError(ErrorCode::kNotFound, not_found(target, apps));
            add_members({&*app}, query.instance, target, out.ids);
        } else {
            add_members(apps_named_by(target, query, apps, out.warnings), query.instance, target,
                        out.ids);
        }
    }
    return out;
}

}  // namespace tend
