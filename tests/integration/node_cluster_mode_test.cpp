// Cluster mode as PM2 runs it: a Node script started with -i N (no --port)
// has Node cluster workers that share whatever they listen on through
// tendd; --exec-mode fork makes independent processes; list shows the mode
// each instance really runs in; and a reload of workers that exit at once
// on SIGINT drops no request, since tend retires them as Node's own
// worker.disconnect() does.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"

using namespace tend::it;

namespace {

// node_http.js listening on PORT by itself: no --port, tend binds nothing first.
std::vector<std::string> start_listener(const std::string& name, int port,
                                        std::vector<std::string> options) {
    options.insert(options.end(), {"--env", "PORT=" + std::to_string(port)});
    return start_node(name, fixture_js("node_http.js"), options);
}

// The pid of each answer to requests on port until count pids have answered.
std::set<std::string> answering_pids(TendHome& t, int port, std::size_t count) {
    std::set<std::string> pids;
    t.wait_until(
        [&] {
            if (auto body = http_get(port)) pids.insert(words(*body).at(1));
            return pids.size() == count;
        },
        std::to_string(count) + " pids answering");
    return pids;
}

// Whether instance i runs as a Node cluster worker: NODE_UNIQUE_ID (its id)
// in its environment is what makes Node one.
bool node_worker(const json& i) {
    return process_has_env(i["pid"].get<int>(), "NODE_UNIQUE_ID=" + i["id"].dump());
}

std::vector<std::string> modes(const json& instances) {
    std::vector<std::string> out;
    for (const auto& i : instances) out.push_back(i["mode"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("an unmodified listen(PORT) under -i 4 without --port: 4 workers share the port") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_listener("web", port, {"-i", "4"}));
    json insts = serving(t, "web", port, 4);
    std::set<std::string> listed;
    for (const auto& i : insts) listed.insert(std::to_string(i["pid"].get<int>()));
    CHECK(answering_pids(t, port, 4) == listed);
    auto body = http_get(port);
    REQUIRE(body);
    CHECK(words(*body).at(2) == "true");  // cluster.isWorker, as under PM2
    CHECK(words(*body).at(3) == std::to_string(port));
    insts = t.instances("web");
    for (const auto& i : insts) {
        CHECK(i["status"] == "online");
        CHECK(i["restarts"] == 0);
        CHECK(i["mode"] == "cluster");
    }
}

TEST_CASE("without --port, a second port, a Unix socket and a UDP port are shared too") {
    TendHome t;
    int port = free_port();
    int extra = free_port();
    int udp = free_port();
    std::string path = t.home() + "/web.sock";
    t.run_ok(start_listener("web", port,
                            {"-i", "2", "--env", "EXTRA_PORT=" + std::to_string(extra), "--env",
                             "SOCKET_PATH=" + path, "--env", "UDP_PORT=" + std::to_string(udp)}));
    serving(t, "web", port, 2);
    CHECK(answering_instances(t, extra, 2) == std::set<std::string>{"0", "1"});
    std::optional<std::string> over_unix, over_udp;
    t.wait_until([&] { return (over_unix = unix_http_get(path)).has_value(); },
                 "an answer over the Unix socket");
    t.wait_until([&] { return (over_udp = udp_ask(udp)).has_value(); }, "an answer over UDP");
    CHECK(words(*over_unix).at(3) == path);
    CHECK(words(*over_udp).size() == 2);
    json insts = t.instances("web");
    CHECK(insts[0]["restarts"] == 0);
    CHECK(insts[1]["restarts"] == 0);
}

TEST_CASE("--exec-mode fork -i 2 runs two independent node processes") {
    TendHome t;
    t.run_ok(start_node("jobs", fixture_js("node_worker.js"), {"--exec-mode", "fork", "-i", "2"}));
    json insts = t.wait_for("jobs", all_online(2), "2 instances online");
    CHECK(modes(insts) == std::vector<std::string>{"fork", "fork"});
    for (const auto& i : insts) CHECK_FALSE(node_worker(i));
    auto described = t.run_ok({"describe", "jobs"});
    CHECK(has_labeled_value(described.out, {"exec_mode"}, "fork"));
}

TEST_CASE("list shows the mode each instance runs in: node -i 2 cluster, -i 1 and others fork") {
    TendHome t;
    t.run_ok(start_node("workers", fixture_js("node_worker.js"), {"-i", "2"}));
    t.run_ok(start_node("single", fixture_js("node_worker.js"), {}));
    t.run_ok(start_fixture("native", {"-i", "4"}, {"sleep"}));
    json workers = t.wait_for("workers", all_online(2), "node -i 2 online");
    CHECK(modes(workers) == std::vector<std::string>{"cluster", "cluster"});
    for (const auto& i : workers) CHECK(node_worker(i));
    CHECK(modes(t.wait_for("single", all_online(1), "node -i 1 online")) ==
          std::vector<std::string>{"fork"});
    CHECK(modes(t.wait_for("native", all_online(4), "4 native instances online")) ==
          std::vector<std::string>(4, "fork"));
    auto listed = t.run_ok({"list"});
    std::istringstream lines(listed.out);
    std::string line;
    int native_fork = 0;
    while (std::getline(lines, line)) {
        auto w = words(line);
        bool native = std::find(w.begin(), w.end(), "native") != w.end();
        if (native && std::find(w.begin(), w.end(), "fork") != w.end()) ++native_fork;
    }
    CHECK(native_fork == 4);
}

TEST_CASE("exec_mode from an ecosystem file: fork keeps node instances independent") {
    TendHome t;
    std::string file = t.scratch("eco") + "/ecosystem.json";
    std::ofstream(file) << json{{"apps",
                                 {{{"name", "jobs"},
                                   {"script", fixture_js("node_worker.js")},
                                   {"instances", 2},
                                   {"exec_mode", "fork_mode"}}}}}
                               .dump();
    t.run_ok({"start", file});
    json insts = t.wait_for("jobs", all_online(2), "2 instances online");
    CHECK(modes(insts) == std::vector<std::string>{"fork", "fork"});
}

TEST_CASE("reload of workers that exit at once on SIGINT, under load: zero failed requests") {
    TendHome t;
    int port = free_port();
    t.run_ok(start_listener("api", port, {"-i", "4", "--env", "EXIT_AT_ONCE=1"}));
    json before = serving(t, "api", port, 4);
    ReloadUnderLoad run = reload_under_load(t, "api", port, 4);
    CHECK(run.failed == 0);
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(run.after[k]["pid"] != before[k]["pid"]);
        CHECK_FALSE(process_alive(before[k]["pid"].get<int>()));
        CHECK(run.after[k]["mode"] == "cluster");
    }
}
