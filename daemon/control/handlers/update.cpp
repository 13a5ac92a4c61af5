// `tend update`: this daemon hands every app, fd and its state to the keeper,
// which starts the tendd installed now. The reply says who handed over.
#include <unistd.h>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> update(const Request&, Context& ctx) {
    ctx.services.hand_over();
    return json(PingResult{static_cast<int>(::getpid()), ctx.services.version,
                           ctx.services.paths.home, ctx.services.http_url, 0, ""});
}

}  // namespace tend::handlers
