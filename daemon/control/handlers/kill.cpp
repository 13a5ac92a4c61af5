// `tend kill`: stops every app gracefully, answers, then ends the daemon.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> kill(const Request&, Context& ctx) {
    ctx.services.stop_everything([responder = ctx.responder](std::size_t stopped) {
        responder.reply(json{{"stopped", stopped}});
    });
    return std::nullopt;
}

}  // namespace tend::handlers
