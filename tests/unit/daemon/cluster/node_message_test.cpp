// Reading a Node cluster worker's messages: what each asks, and fields of
// the wrong type (a worker is the app's code) read as missing.
#include <doctest/doctest.h>

#include "daemon/cluster/node_message.h"

using namespace tend;

TEST_CASE("node message: a queryServer request and what its reply echoes") {
    NodeMessage m = parse_node_message(json::parse(
        R"({"cmd":"NODE_CLUSTER","act":"queryServer","seq":3,"data":{"k":[1]},
            "addressType":4,"address":"127.0.0.1","port":8080,"flags":4})"));
    CHECK(m.act == NodeAct::kQueryServer);
    CHECK(m.seq == 3);
    CHECK(m.data == json{{"k", {1}}});
    CHECK(m.address_type == 4);
    CHECK(m.address == "127.0.0.1");
    CHECK(m.port == 8080);
    CHECK(m.flags == 4);
}

TEST_CASE("node message: acks, answers, close, and what is not Node's cluster") {
    CHECK(parse_node_message({{"cmd", "NODE_HANDLE_ACK"}}).act == NodeAct::kHandleAck);
    CHECK(parse_node_message({{"cmd", "NODE_HANDLE_NACK"}}).act == NodeAct::kHandleNack);
    NodeMessage answer =
        parse_node_message({{"cmd", "NODE_CLUSTER"}, {"ack", 12}, {"accepted", true}});
    CHECK(answer.act == NodeAct::kAnswer);
    CHECK(answer.ack == 12);
    CHECK(answer.accepted);
    NodeMessage close =
        parse_node_message({{"cmd", "NODE_CLUSTER"}, {"act", "close"}, {"key", "k"}});
    CHECK(close.act == NodeAct::kClose);
    CHECK(close.key == "k");
    CHECK(parse_node_message({{"cmd", "NODE_CLUSTER"}, {"act", "online"}}).act == NodeAct::kOther);
    CHECK(parse_node_message({{"cmd", "other"}}).act == NodeAct::kOther);
    CHECK(parse_node_message(json::array({1, 2})).act == NodeAct::kOther);
}

TEST_CASE("node message: numbers out of range, floats and strings read as missing") {
    NodeMessage m = parse_node_message(json::parse(
        R"({"cmd":"NODE_CLUSTER","act":"queryServer","port":1e300,"flags":"4",
            "address":7,"addressType":"udp4"})"));
    CHECK_FALSE(m.port);
    CHECK(m.flags == 0);
    CHECK(m.address.empty());
    CHECK(m.address_type == "udp4");
    CHECK_FALSE(
        parse_node_message(json::parse(R"({"cmd":"NODE_CLUSTER","act":"close","port":4294967296})"))
            .port);
    CHECK_FALSE(parse_node_message(
                    json::parse(R"({"cmd":"NODE_CLUSTER","act":"close","port":-4294967296})"))
                    .port);
    NodeMessage answer = parse_node_message(
        json::parse(R"({"cmd":"NODE_CLUSTER","ack":18446744073709551615,"accepted":"yes"})"));
    CHECK(answer.ack == -1);
    CHECK_FALSE(answer.accepted);
}
