// Which instances a streaming command (logs follow, events) listens to. Kept
// by name as well as by id, so a name also matches instances started after
// the subscription (a restart, a scale, a new app of that name).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "daemon/process/process_table.h"

namespace tend::handlers {

struct TargetMatch {
    bool all = false;
    std::set<std::string> names;
    std::set<int> ids;

    bool matches(const std::string& name, int id) const {
        return all || names.count(name) || ids.count(id);
    }
};

// No targets, or "all", match everything. An app name matches by name; any
// other target (id, namespace, script: relative ones against cwd) by the ids
// it resolves to now. Throws kNotFound for a target that names nothing, as
// resolve() does, unless future_names: then it is kept as the name of an
// app that may start later (`tend logs web` before web runs).
TargetMatch match_targets(const std::vector<std::string>& targets, const std::string& cwd,
                          const ProcessTable& table, bool future_names = false);

}  // namespace tend::handlers
