// Building a TargetMatch from the command line's targets.
#include "daemon/control/handlers/target_match.h"

namespace tend::handlers {

TargetMatch match_targets(const std::vector<std::string>& targets, const std::string& cwd,
                          const ProcessTable& table, bool future_names) {
    TargetMatch match{targets.empty(), {}, {}};
    for (const auto& t : targets) {
        if (t == "all")
            match.all = true;
        else if (table.find_app(t))
            match.names.insert(t);
        else
            try {
                for (int id : table.resolve(TargetQuery{{t}, std::nullopt, cwd}, false).ids)
                    match.ids.insert(id);
            } catch (const TendError& e) {
                if (!future_names || e.code() != ErrorCode::kNotFound) throw;
                match.names.insert(t);
            }
    }
    return match;
}

}  // namespace tend::handlers
