// Admission of a following client (`tend logs`, monit, `tend events`).
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

void admit_stream(Context& ctx) {
    if (Connection* connection = ctx.responder.connection())
        ctx.services.server.admit_stream(*connection);
}

}  // namespace tend::handlers
