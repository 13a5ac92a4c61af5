// `tend stop|restart|delete|reload <target>...`: the reply waits until the
// instances have really exited (or restarted, or been replaced), so a script
// that runs `tend stop api` can rely on api being gone when it returns.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {
namespace {

enum class Action { kStop, kRestart, kDelete, kReload };

std::optional<json> act(const Request& request, Context& ctx, Action action) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = table.resolve(args.targets, false);
    // Deleted instances cannot be described afterwards: take the infos now.
    auto before = std::make_shared<std::vector<InstanceInfo>>(table.infos(ids, false));
    if (action == Action::kStop) table.stop(ids);
    if (action == Action::kRestart) table.restart(ids);
    if (action == Action::kDelete) table.remove(ids);
    if (action == Action::kReload) table.reload(ids);
    table.when_settled(ids, [responder = ctx.responder, &table, ids, before, action] {
        if (action == Action::kDelete) {
            for (auto& info : *before) info.pid = 0;
            responder.reply(json(InstancesResult{*before}));
        } else {
            responder.reply(json(InstancesResult{table.infos(ids, false)}));
        }
    });
    return std::nullopt;
}

}  // namespace

std::optional<json> stop(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kStop);
}
std::optional<json> restart(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kRestart);
}
std::optional<json> remove(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kDelete);
}
std::optional<json> reload(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kReload);
}

}  // namespace tend::handlers
