// What a client may ask of the daemon is bounded (docs/security.md): too many
// instances, too many tail lines, too many connections or followers get a
// clear error, and a client that stops reading is dropped rather than
// growing the daemon or keeping `tend kill` from finishing.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <memory>
#include <vector>

#include "harness.h"

using namespace tend::it;

namespace {

json error_of(const std::string& line) {
    INFO("reply line: '" << line << "'");
    json reply = json::parse(line, nullptr, false);
    REQUIRE(reply.is_object());
    CHECK(reply.value("ok", true) == false);
    return reply.value("error", json::object());
}

std::int64_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

// A raw follower of every log: sent, its reply read, then never read again.
std::unique_ptr<RawClient> stalled_follower(const TendHome& t) {
    auto client = t.connect();
    json args = {{"targets", json::array()}, {"lines", 0}, {"follow", true}};
    REQUIRE(client->send(request_line(1, "logs", args)));
    auto reply = client->read_line(10s);
    REQUIRE(reply.has_value());
    CHECK(json::parse(*reply).value("ok", false));
    return client;
}

}  // namespace

TEST_CASE("a typo of -i 100000 is refused before anything forks") {
    TendHome t;
    Result r = t.run(start_fixture("many", {"-i", "100000"}, {"sleep"}));
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "at most 1024"));
    CHECK(t.jlist().empty());

    // The daemon checks too: a client that skips the CLI gets the same answer.
    json spec = {{"name", "many"}, {"script", "/bin/true"}, {"instances", 100000}};
    json reply = json::parse(t.raw_socket_send(request_line(2, "start", spec)));
    CHECK(reply.value("ok", true) == false);
    CHECK(t.jlist().empty());
}

TEST_CASE("tend logs --lines past the limit gets a clear error") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    Result r = t.run({"logs", "w", "--lines", "1000000", "--nostream"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "at most 100000"));
    t.run_ok({"logs", "w", "--lines", "100000", "--nostream"});
}

TEST_CASE("connections past the limit are told so, and a freed place is taken again") {
    TendHome t;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 512; ++i) clients.push_back(t.connect());
    // Each of them is served, but for one or two the daemon may still count
    // while the harness's own last connection closes.
    int served = 0;
    std::size_t a_served_one = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        REQUIRE(clients[i]->send(request_line(3, "ping", json::object())));
        auto pong = clients[i]->read_line(10s);
        REQUIRE(pong.has_value());
        if (!json::parse(*pong).value("ok", false)) continue;
        ++served;
        a_served_one = i;
    }
    CHECK(served >= 510);

    json error = error_of(t.raw_socket_send(request_line(4, "ping", json::object())));
    CHECK(error.value("code", "") == "limit_exceeded");
    CHECK(contains(error.value("message", ""), "at most 512"));

    clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(a_served_one));
    t.wait_until(
        [&] {
            json reply = json::parse(t.raw_socket_send(request_line(5, "ping", json::object())),
                                     nullptr, false);
            return reply.is_object() && reply.value("ok", false);
        },
        "a ping answered once a client left");
}

TEST_CASE("followers past the limit are refused until one goes") {
    TendHome t;
    std::vector<std::unique_ptr<RawClient>> followers;
    for (int i = 0; i < 128; ++i) followers.push_back(stalled_follower(t));
    json args = {{"targets", json::array()}, {"lines", 0}, {"follow", true}};
    json error = error_of(t.raw_socket_send(request_line(6, "logs", args)));
    CHECK(error.value("code", "") == "limit_exceeded");
    CHECK(error.value("message", "").find("at most 128") != std::string::npos);
    // A request that does not follow is still served.
    CHECK(t.run({"logs", "--nostream"}).exit_code == 0);

    followers.pop_back();
    t.wait_until(
        [&] {
            json reply =
                json::parse(t.raw_socket_send(request_line(7, "logs", args)), nullptr, false);
            return reply.is_object() && reply.value("ok", false);
        },
        "a follower admitted once another left");
}

TEST_CASE("a client that never reads its replies is dropped, and the daemon serves on") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    auto greedy = t.connect();
    std::string batch;
    for (int i = 0; i < 1000; ++i) batch += request_line(i, "list", json::object());
    // 16 MiB of replies at most are queued for it; the bound here is ten
    // times what it takes, so the test ends on today's code too.
    bool dropped = false;
    for (int sent = 0; sent < 300 && !dropped; ++sent) dropped = !greedy->send(batch);
    CHECK(dropped);
    CHECK(t.run({"list"}).exit_code == 0);
    CHECK(t.instances("w").size() == 1);
}

TEST_CASE("a follower that stopped reading does not keep tend kill waiting") {
    TendHome t;
    // Not rotated: the test measures the file's growth.
    t.run_ok(start_fixture("flood", {"--max-size", "0"}, {"numbered", "--pause-every", "0"}));
    json inst = t.wait_for("flood", all_online(1), "flood online")[0];
    std::string out_log = inst.value("out_log", "");
    REQUIRE_FALSE(out_log.empty());
    auto follower = stalled_follower(t);
    // Well past what the follower's socket and its 4 MiB queue hold.
    std::int64_t start = file_size(out_log);
    t.wait_until([&] { return file_size(out_log) > start + (32 << 20); },
                 "32 MiB more logged while the follower does not read", 60s);

    Result r = t.run({"kill"}, 30s);
    CHECK(r.exit_code == 0);
    CHECK(t.wait_daemon_exit(15s).has_value());
}
