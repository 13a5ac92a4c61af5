// What a Node cluster worker's message asks, read into a plain struct before
// NodeCluster acts on it: the one place that reads the untrusted JSON (a
// worker is the app's code), pure, so a fuzz target can feed it anything.
#pragma once

#include <optional>
#include <string>

#include "common/protocol.h"

namespace tend {

enum class NodeAct {
    kOther,        // anything else ("online", "listening", not Node's cluster at all)
    kHandleAck,    // NODE_HANDLE_ACK: the last fd sent arrived
    kHandleNack,   // NODE_HANDLE_NACK: it did not
    kAnswer,       // NODE_CLUSTER with "ack": a worker answers a "newconn"
    kQueryServer,  // NODE_CLUSTER "queryServer": a server.listen() or dgram bind()
    kClose,        // NODE_CLUSTER "close": a server closed
};

struct NodeMessage {
    NodeAct act = NodeAct::kOther;
    json seq;           // echoed as "ack" in the reply to a request
    json data;          // echoed in the reply (TLS ticket keys)
    json address_type;  // 4 or 6 (TCP), -1 (a Unix socket path), "udp4" or "udp6"; null if missing
    std::string address;
    std::optional<int> port;  // missing, or not an int
    int flags = 0;            // dgram's bind flags
    std::string key;          // close: the server's key
    long ack = -1;            // an answer: the "newconn" seq it answers
    bool accepted = false;    // an answer: whether the worker took the connection
};

// Reads m; a field of the wrong type reads as missing, never throws.
NodeMessage parse_node_message(const json& m);

}  // namespace tend
