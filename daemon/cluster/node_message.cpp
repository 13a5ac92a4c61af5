// Reading a Node cluster worker's message.
#include "daemon/cluster/node_message.h"

#include <limits>

namespace tend {
namespace {

const json* member(const json& m, const char* key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &*it;
}

std::string text(const json& m, const char* key) {
    const json* v = member(m, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

// An integer within T's range; a float, a string or a huge number is none
// (converting them would be undefined or wrong).
template <typename T>
std::optional<T> integer(const json& m, const char* key) {
    const json* v = member(m, key);
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) {
        auto u = v->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
        return static_cast<T>(u);
    }
    if (!v->is_number_integer()) return std::nullopt;
    auto i = v->get<std::int64_t>();
    if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return std::nullopt;
    return static_cast<T>(i);
}

NodeAct act_of(const json& m) {
    std::string cmd = text(m, "cmd");
    if (cmd == "NODE_HANDLE_ACK") return NodeAct::kHandleAck;
    if (cmd == "NODE_HANDLE_NACK") return NodeAct::kHandleNack;
    if (cmd != "NODE_CLUSTER") return NodeAct::kOther;
    if (m.contains("ack")) return NodeAct::kAnswer;
    std::string act = text(m, "act");
    if (act == "queryServer") return NodeAct::kQueryServer;
    if (act == "close") return NodeAct::kClose;
    return NodeAct::kOther;
}

}  // namespace

NodeMessage parse_node_message(const json& m) {
    NodeMessage n;
    if (!m.is_object()) return n;
    n.act = act_of(m);
    if (n.act == NodeAct::kOther) return n;
    if (const json* seq = member(m, "seq")) n.seq = *seq;
    if (const json* data = member(m, "data")) n.data = *data;
    if (const json* type = member(m, "addressType")) n.address_type = *type;
    n.address = text(m, "address");
    n.port = integer<int>(m, "port");
    n.flags = integer<int>(m, "flags").value_or(0);
    n.key = text(m, "key");
    n.ack = integer<long>(m, "ack").value_or(-1);
    const json* accepted = member(m, "accepted");
    n.accepted = accepted && accepted->is_boolean() && accepted->get<bool>();
    return n;
}

}  // namespace tend
