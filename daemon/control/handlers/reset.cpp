// `tend reset <target>...`: restart counts and unstable restarts back to
// zero, as PM2's reset; the processes are not touched.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> reset(const Request& request, Context& ctx) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = table.resolve(args.targets, false);
    table.reset_counters(ids);
    return json(InstancesResult{table.infos(ids, false)});
}

}  // namespace tend::handlers
