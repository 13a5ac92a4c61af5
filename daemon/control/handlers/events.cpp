// `tend events [target]`: streams the messages instances send (not their
// readiness) as "message" events until the client hangs up.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/control/handlers/target_match.h"

namespace tend::handlers {
namespace {

// Unwritten bytes past which a slow follower misses messages instead of
// growing the daemon.
constexpr std::size_t kMessageQueueLimit = 4 << 20;

}  // namespace

std::optional<json> events(const Request& request, Context& ctx) {
    auto args = args_as<EventsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    TargetMatch match = match_targets(args.targets, args.cwd, table);  // checked now
    admit_stream(ctx);
    ctx.responder.reply(json::object());
    Connection* connection = ctx.responder.connection();
    if (!connection) return std::nullopt;
    MessageBus& bus = ctx.services.messages;
    auto id = bus.subscribe([=, responder = ctx.responder](const AppMessage& m) {
        if (!match.matches(m.name, m.id)) return;
        Connection* c = responder.connection();
        if (c && c->queued_bytes() <= kMessageQueueLimit) responder.event("message", json(m));
    });
    connection->on_close([&bus, id] { bus.unsubscribe(id); });
    return std::nullopt;
}

}  // namespace tend::handlers
