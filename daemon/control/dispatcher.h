// The dispatcher: the one table of control commands, and the one place that
// turns errors into replies, so nothing a client sends can stop the daemon.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "daemon/control/context.h"

namespace tend {

// A handler returns its result for an immediate reply, or nullopt when it
// answers later through ctx.responder (stop waits for exits; logs streams).
using Handler = std::optional<json> (*)(const Request&, Context&);

struct CommandEntry {
    std::string_view name;
    Handler handler;
    bool mutates;  // refused once the daemon is shutting down
};

// Sorted by name; defined in dispatcher.cpp with the handlers' declarations.
std::span<const CommandEntry> command_table();

class Dispatcher {
  public:
    explicit Dispatcher(Services& services) : services_(services) {}
    void dispatch(Connection& connection, std::string_view line);

  private:
    Services& services_;
};

}  // namespace tend
