// `tend list`, `jlist` and `describe`: views of the process table.
#include "common/messages.h"
#include "daemon/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> list(const Request&, Context& ctx) {
    ProcessTable& table = ctx.services.table;
    return json(InstancesResult{table.infos(table.all_ids(), false)});
}

std::optional<json> describe(const Request& request, Context& ctx) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    return json(InstancesResult{table.infos(table.resolve(args.targets, false), true)});
}

}  // namespace tend::handlers
