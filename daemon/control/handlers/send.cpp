// `tend send <target> [--instance N] '<json>'`: one line on each matching
// running instance's IPC channel (Node gets it as process.on('message')).
#include "common/messages.h"
#include "common/protocol.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> send(const Request& request, Context& ctx) {
    auto args = args_as<SendArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids =
        resolve_query(TargetQuery{args.targets, args.instance, args.cwd}, false, ctx);
    SendResult result{table.send_message(ids, dump_json(args.message))};
    if (result.delivered.empty())
        throw TendError(ErrorCode::kNotFound, "no running instance to send to");
    return json(result);
}

}  // namespace tend::handlers
