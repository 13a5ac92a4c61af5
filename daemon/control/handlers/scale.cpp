// `tend scale <name> <N|+N|-N>`: the reply waits until instances removed
// have stopped, then lists the app and the new instances that could not be
// spawned.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> scale(const Request& request, Context& ctx) {
    auto args = args_as<ScaleArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    auto size = static_cast<std::int64_t>(table.app_named(args.name).ids.size());
    std::int64_t count = args.relative ? size + args.count : args.count;
    if (args.instance && count != size - 1)
        throw TendError(ErrorCode::kBadRequest, "--instance removes that one instance: scale '" +
                                                    args.name + "' to -1 (" +
                                                    std::to_string(size - 1) + ")");
    std::vector<int> changed =
        args.instance ? table.scale_down(args.name, *args.instance) : table.scale(args.name, count);
    table.when_settled(changed, [responder = ctx.responder, &table, name = args.name, changed] {
        const App* now = table.find_app(name);
        ActionResult result;
        if (now) result.instances = table.infos(now->ids, false);
        // Growing added the changed ids; shrinking erased them (no infos).
        result.errored = errored_ids(table.infos(changed, false));
        responder.reply(json(result));
    });
    return std::nullopt;
}

}  // namespace tend::handlers
