// Connecting on behalf of a command, by its starts_daemon flag in the registry.
#include "cli/command_context.h"

#include "cli/daemon_launcher.h"

namespace tend {

Client CommandContext::connect() const {
    if (starts_daemon) return connect_or_launch(paths);
    if (auto client = connect_running(paths)) return std::move(*client);
    throw TendError(ErrorCode::kDaemonUnavailable, "daemon is not running");
}

json CommandContext::call(std::string_view cmd, const json& args) const {
    return connect().call(cmd, args);
}

std::string CommandContext::call_text(std::string_view cmd, const json& args) const {
    return connect().call_text(cmd, args);
}

}  // namespace tend
