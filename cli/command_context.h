// What a command handler gets from run(): where the daemon lives, whether
// this command may start it and the request it sends (its row of the
// registry), whether to colour, and the words after `--`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/client.h"
#include "common/paths.h"

namespace tend {

struct CommandContext {
    Paths paths;
    bool starts_daemon = false;            // from the command registry
    std::string_view request;              // from the command registry; empty: none
    bool colour_out = false;               // stdout may carry ANSI colour
    bool colour_err = false;               // stderr may carry ANSI colour
    std::vector<std::string> passthrough;  // the words after `--`, for commands that take them

    // A connection to the daemon. Launches it first when this command starts
    // daemons; otherwise throws TendError "daemon is not running".
    Client connect() const;

    // connect() and one request; the reply's result or its error as TendError.
    json call(std::string_view cmd, const json& args) const;
    // call() with this command's own request.
    json call(const json& args) const { return call(request, args); }
    // call() with the result as the daemon's JSON text (Client::call_text).
    std::string call_text(std::string_view cmd, const json& args) const;
};

// A parsed command, ready to run; returns the exit code.
using CommandRunner = std::function<int(CommandContext& ctx)>;

}  // namespace tend
