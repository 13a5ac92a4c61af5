// Classifying IPC lines.
#include "daemon/ipc/app_message.h"

#include "common/json_limits.h"

namespace tend {

ParsedMessage parse_app_message(std::string_view line) {
    ParsedJson parsed = parse_json_limited(line);
    if (parsed.problem == JsonProblem::kTooDeep) return {MessageKind::kTooDeep, {}};
    if (!parsed.ok()) return {MessageKind::kInvalid, {}};
    json& data = parsed.value;
    if (data == "ready") return {MessageKind::kReady, {}};
    // Node's child_process and cluster machinery talk on the same channel
    // ({"cmd": "NODE_HANDLE_ACK"}, {"cmd": "NODE_CLUSTER", ...}); those are
    // not the app's, they are for the daemon's NodeCluster.
    if (data.is_object()) {
        auto cmd = data.find("cmd");
        if (cmd != data.end() && cmd->is_string() && cmd->get<std::string>().rfind("NODE_", 0) == 0)
            return {MessageKind::kInternal, std::move(data)};
    }
    return {MessageKind::kData, std::move(data)};
}

}  // namespace tend
