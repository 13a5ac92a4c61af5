// NodeCluster on a real loop and socket: a worker's listen() without --port,
// and its retirement as Node's worker.disconnect() does it (the disconnect
// message waits until the worker has answered for every connection).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "daemon/cluster/node_cluster.h"
#include "tests/unit/daemon/test_loop.h"

using namespace tend;

namespace {

struct SentLine {
    int pid;
    json message;
    int fd;
};

struct ClusterFixture {
    test::Loop loop;
    std::vector<SentLine> sent;
    NodeCluster cluster{loop.get(), [this](int pid, const std::string& line, int fd) {
                            sent.push_back({pid, json::parse(line), fd});
                            return true;
                        }};

    // Runs the loop until pred holds, for a second at most.
    bool run_until(const std::function<bool()>& pred) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (!pred() && std::chrono::steady_clock::now() < deadline)
            uv_run(loop.get(), UV_RUN_NOWAIT);
        return pred();
    }
    int acts(const std::string& act) const {
        int n = 0;
        for (const auto& s : sent) {
            const json& m = s.message.contains("msg") ? s.message["msg"] : s.message;
            n += m.value("act", "") == act ? 1 : 0;
        }
        return n;
    }
};

// A connected socket to 127.0.0.1:port, or -1 when refused.
int try_connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    ::close(fd);
    return -1;
}

int connect_to(int port) {
    int fd = try_connect(port);
    REQUIRE(fd >= 0);
    return fd;
}

// A port nothing listens on right now (bound to 0 and released).
int unused_port() {
    int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(probe);
    return ntohs(addr.sin_port);
}

json query_tcp(int seq, int port) {
    return {{"cmd", "NODE_CLUSTER"}, {"act", "queryServer"},   {"seq", seq},
            {"addressType", 4},      {"address", "127.0.0.1"}, {"port", port}};
}

}  // namespace

TEST_CASE("a worker's disconnect waits until it has answered for every connection handed over") {
    ClusterFixture f;
    f.cluster.add_worker(100, "web", -1);  // no --port: the worker's own listen() binds
    f.cluster.on_message(100, query_tcp(1, 0));
    REQUIRE(f.sent.size() == 1);
    const json& reply = f.sent[0].message;
    CHECK(reply["ack"] == 1);
    CHECK(reply["errno"].is_null());
    int port = reply["sockname"]["port"].get<int>();
    CHECK(port > 0);

    int client = connect_to(port);
    REQUIRE(f.run_until([&] { return f.acts("newconn") == 1; }));
    long seq = f.sent.back().message["msg"]["seq"].get<long>();
    CHECK(f.sent.back().fd >= 0);

    CHECK_FALSE(f.cluster.disconnect(999));  // no worker: the caller signals it
    CHECK(f.cluster.disconnect(100));
    CHECK(f.acts("disconnect") == 0);  // a connection is still on its way
    f.cluster.on_message(100, {{"cmd", "NODE_HANDLE_ACK"}});
    CHECK(f.acts("disconnect") == 0);
    f.cluster.on_message(100, {{"cmd", "NODE_CLUSTER"}, {"ack", seq}, {"accepted", true}});
    REQUIRE(f.acts("disconnect") == 1);
    CHECK(f.sent.back().message["cmd"] == "NODE_CLUSTER");
    CHECK(f.sent.back().message.contains("seq"));
    CHECK(f.sent.back().fd == -1);

    // Retired: a new connection waits for another worker rather than going to it.
    int second = connect_to(port);
    for (int i = 0; i < 20; ++i) uv_run(f.loop.get(), UV_RUN_NOWAIT);
    CHECK(f.acts("newconn") == 1);

    ::close(client);
    ::close(second);
    f.cluster.remove(100);
    f.cluster.close();
    CHECK(f.loop.close() == 0);
}

TEST_CASE("a listening worker holding no connection is told to disconnect at once, once") {
    ClusterFixture f;
    f.cluster.add_worker(100, "web", -1);
    f.cluster.add_worker(101, "web", -1);
    CHECK_FALSE(f.cluster.disconnect(101));  // listens on nothing: signalled at once
    f.cluster.on_message(100, query_tcp(1, 0));
    CHECK(f.cluster.disconnect(100));
    CHECK(f.acts("disconnect") == 1);
    CHECK(f.sent.back().pid == 100);
    CHECK(f.cluster.disconnect(100));
    CHECK(f.acts("disconnect") == 1);
    f.cluster.remove(100);
    f.cluster.remove(101);
    f.cluster.close();
    CHECK(f.loop.close() == 0);
}

TEST_CASE("a worker's port stays bound while its app has a worker that has not listened yet") {
    ClusterFixture f;
    // Both workers run the same listen(PORT): port 0 would be another address.
    int port = unused_port();
    f.cluster.add_worker(100, "web", -1);
    f.cluster.on_message(100, query_tcp(1, port));
    REQUIRE(f.sent.at(0).message["errno"].is_null());
    f.cluster.add_worker(101, "web", -1);  // a reload's replacement, still starting
    f.cluster.remove(100);
    int waiting = try_connect(port);
    CHECK(waiting >= 0);  // in the backlog, not refused
    f.cluster.on_message(101, query_tcp(2, port));
    CHECK(f.sent.back().message["errno"].is_null());  // the same socket, no EADDRINUSE
    CHECK(f.run_until([&] { return f.acts("newconn") == 1; }));
    CHECK(f.sent.back().pid == 101);
    f.cluster.remove(101);
    int refused = try_connect(port);
    CHECK(refused == -1);  // the app's last worker gone: the port is closed
    ::close(waiting);
    f.cluster.close();
    CHECK(f.loop.close() == 0);
}
