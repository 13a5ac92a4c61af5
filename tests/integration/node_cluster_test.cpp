// Node apps in cluster mode: with --port, tend makes their instances Node
// cluster workers and hands them the port's connections in turn, as Node's
// own primary (and so PM2) does; NODE_CLUSTER_SCHED_POLICY=none keeps the
// inherited socket with the preload instead.
#include <doctest/doctest.h>
#include <unistd.h>

#include <map>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"

using namespace tend::it;

namespace {

std::vector<std::string> start_http(const std::string& name, int port,
                                    std::vector<std::string> options) {
    options.insert(options.end(), {"--port", std::to_string(port)});
    return start_node(name, fixture_js("node_http.js"), options);
}

}  // namespace

TEST_CASE("node instances with --port are cluster workers and get connections in turn") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_http("web", port, {"-i", "4"}));
    serving(t, "web", port, 4);
    // Each worker takes its turn: 8 connections one after the other are
    // 2 for each, whoever the kernel would have woken first.
    std::map<std::string, int> served;
    for (int i = 0; i < 8; ++i) {
        auto body = http_get(port);
        REQUIRE(body);
        auto w = words(*body);
        REQUIRE(w.size() == 4);
        CHECK(w[2] == "true");                // cluster.isWorker, as under PM2
        CHECK(w[3] == std::to_string(port));  // server.address() is the shared port
        ++served[w[0]];
    }
    CHECK(served == std::map<std::string, int>{{"0", 2}, {"1", 2}, {"2", 2}, {"3", 2}});
}

TEST_CASE("a port a node worker listens on besides --port is shared by every instance too") {
    TendHome t;
    int port = free_port();
    int extra = free_port();
    t.run_ok(start_http("web", port, {"-i", "2", "--env", "EXTRA_PORT=" + std::to_string(extra)}));
    t.wait_for("web", all_online(2), "2 instances online");
    CHECK(answering_instances(t, extra, 2) == std::set<std::string>{"0", "1"});
    auto body = http_get(extra);
    REQUIRE(body);
    CHECK(words(*body).at(3) == std::to_string(extra));
}

TEST_CASE("a Unix socket and a UDP port that node workers bind are shared by the daemon") {
    TendHome t;
    int port = free_port();
    int udp = free_port();
    std::string path = t.home() + "/web.sock";
    t.run_ok(start_http(
        "web", port,
        {"-i", "2", "--env", "SOCKET_PATH=" + path, "--env", "UDP_PORT=" + std::to_string(udp)}));
    t.wait_for("web", all_online(2), "2 instances online");
    std::optional<std::string> over_unix, over_udp;
    t.wait_until([&] { return (over_unix = unix_http_get(path)).has_value(); },
                 "an answer over the Unix socket");
    t.wait_until([&] { return (over_udp = udp_ask(udp)).has_value(); }, "an answer over UDP");
    CHECK(words(*over_unix).at(3) == path);  // server.address() is the path
    CHECK(words(*over_udp).size() == 2);
    // Neither instance failed its listen: both bound through the daemon.
    json insts = t.instances("web");
    CHECK(insts[0]["restarts"] == 0);
    CHECK(insts[1]["restarts"] == 0);
    // The daemon bound the socket file, so it removes it with the last user.
    t.run_ok({"delete", "web"});
    t.wait_until([&] { return ::access(path.c_str(), F_OK) != 0; }, "the socket file removed");
}

TEST_CASE("a crashing node worker refuses no connection") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_http("web", port, {"-i", "2"}));
    json insts = serving(t, "web", port, 2);
    CHECK(failures_after_sigkill(t, insts[0]["pid"].get<int>(), port) == 0);
    t.wait_for("web", all_online(2), "the killed instance back");
    CHECK(answering_instances(t, port, 2) == std::set<std::string>{"0", "1"});
}

TEST_CASE("reload of node workers under load: zero failed requests and every pid changed") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_http("api", port, {"-i", "2"}));
    json before = serving(t, "api", port, 2);
    ReloadUnderLoad run = reload_under_load(t, "api", port, 2);
    json after = run.after;
    CHECK(run.failed == 0);
    for (std::size_t k = 0; k < 2; ++k) {
        CHECK(after[k]["pid"] != before[k]["pid"]);
        CHECK_FALSE(process_alive(before[k]["pid"].get<int>()));
    }
}

TEST_CASE(
    "NODE_CLUSTER_SCHED_POLICY=none: an unmodified listen(PORT) shares the inherited socket") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_http("http", port, {"-i", "2", "--env", "NODE_CLUSTER_SCHED_POLICY=none"}));
    t.wait_for("http", all_online(2), "2 node instances online");
    CHECK(answering_instances(t, port, 2) == std::set<std::string>{"0", "1"});
    auto body = http_get(port);
    REQUIRE(body);
    CHECK(words(*body).at(2) == "false");  // not a cluster worker: the preload's fd 3
    CHECK(words(*body).at(3) == std::to_string(port));
}
