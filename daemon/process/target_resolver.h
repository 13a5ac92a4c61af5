// Turning the targets a user types into instance ids, as PM2 users write
// them: "all", an id, an app name, a namespace, or the script the apps were
// started from (a path relative to the CLI's directory, an absolute one, or
// its file name when only one script has it), narrowed to one instance
// index with --instance. Pure: it reads a snapshot of the apps.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tend {

// One app as resolution sees it.
struct TargetApp {
    std::string name;
    std::string ns;      // its namespace ("default" unless given)
    std::string script;  // absolute, as the daemon runs it
    struct Member {
        int id = 0;
        int index = 0;
    };
    std::vector<Member> instances;  // in index order
};

struct TargetQuery {
    std::vector<std::string> targets;
    std::optional<int> instance;  // only this instance index of each app
    std::string cwd;              // the CLI's directory, for relative script paths; "" = none
};

struct TargetResolution {
    std::vector<int> ids;               // in the order the targets named them, no duplicates
    std::vector<std::string> warnings;  // e.g. a name that is both an app and a namespace
};

// ids for query over apps (in start order). Empty targets mean every app
// when allow_empty or an instance is given, else a kBadRequest. Throws
// kNotFound for a target that names nothing (with "did you mean" over app
// names) or an instance index no named app has, kBadRequest for a file name
// shared by several scripts (the candidates listed).
TargetResolution resolve_targets(const TargetQuery& query, const std::vector<TargetApp>& apps,
                                 bool allow_empty);

}  // namespace tend
