// Resolving a request's targets, with what resolution has to say (a name
// that is both an app and a namespace) sent ahead of the reply as "warning"
// events, which the CLI prints on stderr.
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::vector<int> resolve_query(const TargetQuery& query, bool allow_empty, Context& ctx) {
    TargetResolution found = ctx.services.table.resolve(query, allow_empty);
    for (const auto& warning : found.warnings)
        ctx.responder.event("warning", json{{"message", warning}});
    return found.ids;
}

TargetQuery query_of(const TargetsArgs& args) {
    return TargetQuery{args.targets, args.instance, args.cwd};
}

}  // namespace tend::handlers
