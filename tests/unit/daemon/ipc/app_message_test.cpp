// Telling IPC lines apart, and sd_notify datagrams.
#include <doctest/doctest.h>

#include "daemon/ipc/app_message.h"
#include "daemon/ipc/notify_socket.h"

using namespace tend;

TEST_CASE("process.send('ready') is readiness and Node's internal messages are dropped") {
    CHECK(parse_app_message("\"ready\"").kind == MessageKind::kReady);
    CHECK(parse_app_message(R"({"cmd":"NODE_HANDLE_ACK"})").kind == MessageKind::kInternal);
    auto m = parse_app_message(R"({"topic":"stats","n":3})");
    CHECK(m.kind == MessageKind::kData);
    CHECK(m.data["n"] == 3);
    CHECK(parse_app_message("\"readyish\"").kind == MessageKind::kData);
    CHECK(parse_app_message("{not json").kind == MessageKind::kInvalid);
}

TEST_CASE("an IPC message nested deeper than the JSON limit is its own kind, with no data") {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto m = parse_app_message(deep);
    CHECK(m.kind == MessageKind::kTooDeep);
    CHECK(m.data.is_null());
    // Node's own messages too: NodeCluster copies their data into replies.
    std::string node = R"({"cmd":"NODE_CLUSTER","act":"queryServer","data":)" + deep + "}";
    CHECK(parse_app_message(node).kind == MessageKind::kTooDeep);
}

TEST_CASE("READY=1 anywhere in a notification datagram") {
    CHECK(notify_says_ready("READY=1"));
    CHECK(notify_says_ready("STATUS=warming\nREADY=1\n"));
    CHECK_FALSE(notify_says_ready("STATUS=READY=1"));
    CHECK_FALSE(notify_says_ready("READY=0"));
    CHECK_FALSE(notify_says_ready(""));
}
