// `tend list`, `jlist` and `describe`: views of the process table (each
// instance's metrics history only when asked: jlist --history, the
// dashboard, describe).
#include "common/json_text.h"
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

// The reply is written as text: at a thousand instances, building an
// nlohmann tree and dumping it was most of the request's cost.
std::optional<json> list(const Request& request, Context& ctx) {
    auto args = args_as<ListArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<InstanceInfo> infos = table.infos(table.all_ids(), false, args.history);
    std::string text = "{\"instances\":[";
    text.reserve(infos.size() * (args.brief ? 200 : 600) + 32);
    for (std::size_t k = 0; k < infos.size(); ++k) {
        if (k) text += ',';
        if (args.brief)
            append_instance_brief_json(text, infos[k]);
        else
            append_instance_json(text, infos[k]);
    }
    text += "]}";
    ctx.responder.reply_text(text);
    return std::nullopt;
}

std::optional<json> describe(const Request& request, Context& ctx) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = resolve_query(query_of(args), false, ctx);
    return json(InstancesResult{table.infos(ids, true, true)});
}

}  // namespace tend::handlers
