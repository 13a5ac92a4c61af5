// JSON nested far too deep, from a client and from an app: refused or
// dropped while parsing, so the daemon (which would recurse once per level
// copying or dumping it) serves on, and so do the connection and the app.
#include <doctest/doctest.h>

#include "common/version.h"
#include "harness.h"

using namespace tend::it;

namespace {

constexpr std::size_t kDeep = 100000;

std::string deep_array() {
    return std::string(kDeep, '[') + std::string(kDeep, ']');
}

// A request line whose args are raw JSON text (too deep to build as json).
std::string request_with_raw_args(int id, const std::string& cmd, const std::string& args) {
    json head = {
        {"v", tend::kProtocolVersion}, {"version", tend::kVersion}, {"id", id}, {"cmd", cmd}};
    std::string line = head.dump();
    line.pop_back();  // the closing brace: args follow as raw text
    return line + R"(,"args":)" + args + "}\n";
}

json reply_of(const std::optional<std::string>& line) {
    REQUIRE(line);
    INFO("reply line: " << line->substr(0, 300));
    json reply = json::parse(*line, nullptr, false);
    REQUIRE(reply.is_object());
    return reply;
}

// The next `tend events` line that contains needle, or nullopt.
std::optional<std::string> next_answer_with(StreamingChild& events, const std::string& needle,
                                            Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        auto line = events.read_line(std::max(left, Millis(0)));
        if (!line || line->find(needle) != std::string::npos) return line;
    }
}

}  // namespace

TEST_CASE("a request nested 100k deep gets an error reply and the connection and daemon serve on") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    json before = t.wait_for("w", all_online(1), "w online");
    pid_t serving = t.serving_pid();

    auto client = t.connect();
    // A message for an app: the daemon would copy it into each instance's line.
    REQUIRE(client->send(
        request_with_raw_args(1, "send", R"({"targets":["w"],"message":)" + deep_array() + "}")));
    json reply = reply_of(client->read_line(10s));
    CHECK(reply["id"] == nullptr);
    CHECK(reply["ok"] == false);
    CHECK(reply["error"]["code"] == "bad_request");
    CHECK(reply["error"]["message"] == "the request nests deeper than 64 levels");

    // Just the brackets, not even closed.
    REQUIRE(client->send(std::string(kDeep, '[') + "\n"));
    json brackets = reply_of(client->read_line(10s));
    CHECK(brackets["error"]["message"] == "the request nests deeper than 64 levels");

    REQUIRE(client->send(request_with_raw_args(3, "ping", "{}")));
    json pong = reply_of(client->read_line(10s));
    CHECK(pong["id"] == 3);
    CHECK(pong["ok"] == true);
    CHECK(t.serving_pid() == serving);
    json after = t.wait_for("w", all_online(1), "w still online");
    CHECK(after[0]["pid"] == before[0]["pid"]);
}

TEST_CASE(
    "an app's IPC message nested 100k deep is dropped and the daemon and app and channel live on") {
    TendHome t;
    t.run_ok(start_fixture("deep", {}, {"ipc-deep", std::to_string(kDeep)}));
    json before = t.wait_for("deep", all_online(1), "deep online");
    pid_t serving = t.serving_pid();

    // Each message sent makes the app answer with a deep array, then with
    // {"after": <the message>}. A subscriber to `tend events` is what would
    // dump the deep one. Until the subscription is in place an answer may
    // be missed: probe until one comes back.
    auto events = t.stream({"events", "deep"});
    int probe = 0;
    t.wait_until(
        [&] {
            std::string message = R"({"probe":)" + std::to_string(++probe) + "}";
            t.run({"send", "deep", message});
            return next_answer_with(*events, R"("after":)" + message, 1s).has_value();
        },
        "tend events streams the app's answers");

    t.run_ok({"send", "deep", R"({"last":1})"});
    auto last = next_answer_with(*events, R"("after":{"last":1})", 10s);
    REQUIRE(last);
    CHECK(json::parse(*last)["data"]["after"]["last"] == 1);
    CHECK(t.serving_pid() == serving);
    json after = t.wait_for("deep", all_online(1), "deep still online");
    CHECK(after[0]["pid"] == before[0]["pid"]);
    CHECK(after[0]["restarts"] == 0);
    t.wait_until([&] { return contains(t.daemon_log_tail(50), "an IPC message nests deeper"); },
                 "the daemon's log says it dropped the message");
}
