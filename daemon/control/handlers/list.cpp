// `tend list`, `jlist` and `describe`: views of the process table (jlist
// with each instance's metrics history).
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> list(const Request& request, Context& ctx) {
    auto args = args_as<ListArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    return json(InstancesResult{table.infos(table.all_ids(), false, args.history)});
}

std::optional<json> describe(const Request& request, Context& ctx) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = resolve_query(query_of(args), false, ctx);
    return json(InstancesResult{table.infos(ids, true, true)});
}

}  // namespace tend::handlers
