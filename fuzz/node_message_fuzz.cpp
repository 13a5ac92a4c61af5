// A line a Node cluster worker writes on its IPC channel: classified as the
// daemon does, then (for Node's own messages) read into what NodeCluster
// acts on, and the reply that echoes its seq and data encoded.
#include <cstdint>
#include <string_view>

#include "daemon/cluster/node_message.h"
#include "daemon/ipc/app_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    std::string_view line(reinterpret_cast<const char*>(data), size);
    ParsedMessage m = parse_app_message(line);
    if (m.kind != MessageKind::kInternal) return 0;
    NodeMessage n = parse_node_message(m.data);
    json reply{{"cmd", "NODE_CLUSTER"}, {"ack", n.seq}, {"data", n.data}};
    (void)dump_json(reply);
    return 0;
}
