// The dispatcher: the table of handlers, one per request of the command
// registry (common/commands.h), and the one place that turns errors into
// replies, so nothing a client sends can stop the daemon.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "common/commands.h"
#include "daemon/control/context.h"

namespace tend {

// A handler returns its result for an immediate reply, or nullopt when it
// answers later through ctx.responder (stop waits for exits; logs streams).
using Handler = std::optional<json> (*)(const Request&, Context&);

struct HandlerEntry {
    const CommandInfo* command;  // the request's name, and whether it mutates
    Handler handler;
};

// Sorted by name; defined in dispatcher.cpp with the handlers' declarations.
std::span<const HandlerEntry> handler_table();

class Dispatcher {
  public:
    explicit Dispatcher(Services& services) : services_(services) {}
    void dispatch(Connection& connection, std::string_view line);

  private:
    Services& services_;
};

}  // namespace tend
