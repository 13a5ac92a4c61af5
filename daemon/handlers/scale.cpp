// `tend scale <name> <N|+N|-N>`: the reply waits until instances removed
// have stopped, then lists the app.
#include "common/messages.h"
#include "daemon/handlers/handlers.h"

namespace tend::handlers {
namespace {

constexpr std::int64_t kMaxInstances = 10000;  // as ProcessTable::scale allows

}  // namespace

std::optional<json> scale(const Request& request, Context& ctx) {
    auto args = args_as<ScaleArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    const App* app = table.find_app(args.name);
    if (!app) table.resolve({args.name}, false);  // throws "no app or id" with a suggestion
    if (!app) throw TendError(ErrorCode::kNotFound, "no app named '" + args.name + "'");
    // In 64 bits: a client's count near INT_MAX must not overflow.
    std::int64_t count = args.count;
    if (args.relative) count += static_cast<std::int64_t>(app->ids.size());
    if (count < 1 || count > kMaxInstances)
        throw TendError(ErrorCode::kBadRequest,
                        "cannot scale '" + args.name + "' to " + std::to_string(count) +
                            " instances (1.." + std::to_string(kMaxInstances) +
                            "; use 'tend stop " + args.name + "' to stop it)");
    std::vector<int> changed = table.scale(args.name, static_cast<int>(count));
    table.when_settled(changed, [responder = ctx.responder, &table, name = args.name] {
        const App* now = table.find_app(name);
        responder.reply(json(
            InstancesResult{now ? table.infos(now->ids, false) : std::vector<InstanceInfo>{}}));
    });
    return std::nullopt;
}

}  // namespace tend::handlers
