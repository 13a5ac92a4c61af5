// `tend kill`: stops every app gracefully, answers, then ends the daemon.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> kill(const Request&, Context& ctx) {
    Services& services = ctx.services;
    services.shutting_down = true;
    std::vector<int> ids = services.table.all_ids();
    services.table.stop(ids);
    services.table.when_settled(ids, [&services, responder = ctx.responder, n = ids.size()] {
        responder.reply(json{{"stopped", n}});
        services.shutdown();
    });
    return std::nullopt;
}

}  // namespace tend::handlers
