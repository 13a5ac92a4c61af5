// `tend events [target]`: streams the messages instances send (not their
// readiness) as "message" events until the client hangs up.
#include <set>

#include "common/messages.h"
#include "daemon/handlers/handlers.h"

namespace tend::handlers {
namespace {

// Unwritten bytes past which a slow follower misses messages instead of
// growing the daemon.
constexpr std::size_t kQueueLimit = 4 << 20;

}  // namespace

std::optional<json> events(const Request& request, Context& ctx) {
    auto args = args_as<EventsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    // Targets are checked now; names also match instances added later.
    std::set<std::string> names;
    std::set<int> ids;
    bool all = args.targets.empty();
    for (const auto& t : args.targets) {
        if (t == "all")
            all = true;
        else if (table.find_app(t))
            names.insert(t);
        else
            for (int id : table.resolve({t}, false)) ids.insert(id);
    }
    ctx.responder.reply(json::object());
    Connection* connection = ctx.responder.connection();
    if (!connection) return std::nullopt;
    MessageBus& bus = ctx.services.messages;
    auto id = bus.subscribe([=, responder = ctx.responder](const AppMessage& m) {
        if (!all && !names.count(m.name) && !ids.count(m.id)) return;
        Connection* c = responder.connection();
        if (c && c->queued_bytes() <= kQueueLimit) responder.event("message", json(m));
    });
    connection->on_close([&bus, id] { bus.unsubscribe(id); });
    return std::nullopt;
}

}  // namespace tend::handlers
