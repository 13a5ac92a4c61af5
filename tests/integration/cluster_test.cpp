// Cluster mode: one port shared by every instance (socket activation for any
// program; Node apps are in node_cluster_test.cpp), readiness,
// zero-downtime reload, scale, and messages between tend and instances.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"

using namespace tend::it;

namespace {

// The next line of `tend events` that contains needle, parsed.
std::optional<json> next_event_with(StreamingChild& events, const std::string& needle,
                                    Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        auto line = events.read_line(std::max(left, Millis(0)));
        if (!line) return std::nullopt;
        if (line->find(needle) != std::string::npos) return json::parse(*line);
    }
}

}  // namespace

TEST_CASE("--port: a socket-activation server shares one port across 2 instances") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("web", port, {"-i", "2"}));
    json insts = t.wait_for("web", all_online(2), "2 instances online");
    std::string log = t.wait_for_line(insts[0]["out_log"], "serving on fd 3", "instance 0 serving");
    CHECK(log == "serving on fd 3, pid " + std::to_string(insts[0]["pid"].get<int>()));
    CHECK(answering_instances(t, port, 2) == std::set<std::string>{"0", "1"});
}

TEST_CASE("--port in use: the start fails with the reason and adds nothing") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("a", port, {}));
    Result r = t.run(start_server("b", port, {}));
    CHECK(r.exit_code == 1);
    CHECK(r.err == "tend: error: cannot listen on 0.0.0.0:" + std::to_string(port) +
                       ": address already in use\n");
    CHECK(t.instances("b").empty());
}

TEST_CASE("a crashing instance refuses no connection: the daemon keeps the socket open") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("web", port, {"-i", "2"}));
    json insts = serving(t, "web", port, 2);
    CHECK(failures_after_sigkill(t, insts[0]["pid"].get<int>(), port) == 0);
}

TEST_CASE("--wait-ready: Node's process.send('ready') marks the instance online") {
    TendHome t;
    t.run_ok(
        start_node("n", fixture_js("node_worker.js"),
                   {"--wait-ready", "--listen-timeout", "30000", "--env", "READY_DELAY_MS=1500"}));
    CHECK(t.instances("n")[0]["status"] == "launching");
    json insts = t.wait_for("n", all_online(1), "n online after it said ready", 20s);
    // Online well before the 30 s listen timeout: the ready message did it.
    CHECK(insts[0]["uptime_ms"].get<int>() < 20000);
}

TEST_CASE("--wait-ready: sd_notify READY=1 marks a non-Node instance online") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("s", port, {"--wait-ready", "--listen-timeout", "30000"},
                          {"--notify", "1500"}));
    CHECK(t.instances("s")[0]["status"] == "launching");
    t.wait_for("s", all_online(1), "s online after READY=1", 20s);
    t.wait_for_line(t.instances("s")[0]["out_log"], "ready sent", "the server's notify");
}

TEST_CASE("--wait-ready: an instance that never says ready is online after --listen-timeout") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("q", port, {"--wait-ready", "--listen-timeout", "300"}));
    t.wait_for("q", all_online(1), "q online after its listen timeout");
}

TEST_CASE("reload of 4 instances under load: zero failed requests and every pid changed") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_server("api", port, {"-i", "4", "--wait-ready"}, {"--notify", "100"}));
    json before = serving(t, "api", port, 4);
    ReloadUnderLoad run = reload_under_load(t, "api", port, 4);
    json after = run.after;
    INFO("answers by instance: " << json(run.by_answer).dump());
    CHECK(run.failed == 0);
    CHECK(run.ok > 40);
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(after[k]["pid"] != before[k]["pid"]);
        CHECK(after[k]["restarts"] == 1);
        CHECK_FALSE(process_alive(before[k]["pid"].get<int>()));
    }
}

TEST_CASE("scale grows and shrinks an app, and +N adds") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "2"}, {"sleep"}));
    t.wait_for("w", all_online(2), "2 online");
    t.run_ok({"scale", "w", "4"});
    json four = t.wait_for("w", all_online(4), "4 online");
    for (std::size_t k = 0; k < 4; ++k) CHECK(four[k]["instance"] == k);
    int gone = four[3]["pid"];

    t.run_ok({"scale", "w", "1"});
    json one = t.instances("w");
    REQUIRE(one.size() == 1);
    CHECK(one[0]["instance"] == 0);
    CHECK_FALSE(process_alive(gone));

    t.run_ok({"scale", "w", "+2"});
    t.wait_for("w", all_online(3), "3 online after +2");

    Result bad = t.run({"scale", "w", "lots"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "tend: error: scale: expected a count such as 4, +2 or -1, got 'lots'\n");
    Result none = t.run({"scale", "nope", "2"});
    CHECK(none.exit_code == 1);
}

TEST_CASE("send reaches one instance or all and their replies stream from tend events") {
    TendHome t;
    t.run_ok(start_node("m", fixture_js("node_worker.js"), {"-i", "2", "--wait-ready"}));
    t.wait_for("m", all_online(2), "2 node instances ready");
    auto events = t.stream({"events", "m"});
    // Until the subscription is in place a message's reply may be missed:
    // probe until one comes back.
    t.wait_until(
        [&] {
            t.run({"send", "m", "--instance", "0", R"({"probe":1})"});
            return next_event_with(*events, R"("probe":1)", 500ms).has_value();
        },
        "tend events streaming");

    t.run_ok({"send", "m", "--instance", "1", R"({"hello":"one"})"});
    auto one = next_event_with(*events, R"("hello":"one")", 10s);
    REQUIRE(one);
    CHECK((*one)["name"] == "m");
    CHECK((*one)["instance"] == 1);
    CHECK((*one)["data"]["instance"] == 1);
    CHECK((*one)["data"]["echo"]["hello"] == "one");

    Result all = t.run_ok({"send", "m", R"({"hello":"all"})"});
    CHECK(all.out == "[tend] sent to 2 instance(s)\n");
    std::set<int> replied;
    for (int k = 0; k < 2; ++k)
        if (auto reply = next_event_with(*events, R"("hello":"all")", 10s))
            replied.insert((*reply)["instance"].get<int>());
    CHECK(replied == std::set<int>{0, 1});

    Result bad = t.run({"send", "m", "{not json"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "tend: error: send: the message is not JSON: '{not json'\n");
}
