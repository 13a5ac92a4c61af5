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

// No targets, or "all", match everything. Throws kNotFound for a target
// that is neither an app nor an id, as resolve() does.
TargetMatch match_targets(const std::vector<std::string>& targets, const ProcessTable& table);

}  // namespace tend::handlers
