// `tend ping`: proves the daemon answers, and says which one.
#include <unistd.h>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> ping(const Request&, Context& ctx) {
    return json(PingResult{static_cast<int>(::getpid()), ctx.services.version,
                           ctx.services.paths.home, ctx.services.http_url});
}

}  // namespace tend::handlers
