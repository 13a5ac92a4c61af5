// tendd's HTTP API with the real daemon: the CLI's commands over HTTP,
// read-only without a token and every write refused without it, logs
// followed as server-sent events, clear errors for bad requests, and a
// client that stalls never holding up the control socket. The port is the
// one tendd chose (`--http 127.0.0.1:0`, read back from `tend ping --json`).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <set>

#include "harness.h"
#include "http_api_client.h"
#include "survival_support.h"

using namespace tend::it;

namespace {

TendHome::Options with_http() {
    TendHome::Options o;
    o.daemon_args = {"--http", "127.0.0.1:0"};
    return o;
}

Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

std::string token_of(TendHome& t) {
    std::string token = t.run_ok({"http", "token"}).out;
    token.erase(token.find_last_not_of('\n') + 1);
    return token;
}

std::string first_out_log(TendHome& t, const std::string& name) {
    return t.home() + "/logs/" + name + "-out-0.log";
}

bool has_text(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A shell app that writes "marker N" on each SIGUSR2, once it says it
// listens for it (a signal before the trap would end the shell).
void start_marker_app(TendHome& t, const std::string& name) {
    t.run_ok({"start", "/bin/sh", "--name", name, "--interpreter", "none", "--", "-c",
              "i=0; trap 'i=$((i+1)); echo \"marker $i\"' USR2; echo trapped; "
              "while :; do sleep 0.05; done"});
    t.wait_until([&] { return has_text(read_file(first_out_log(t, name)), "trapped"); },
                 name + " ready for signals");
}

std::string error_code(const HttpResult& r) {
    return r.json()["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("the HTTP API lists what jlist lists and refuses every write without a token") {
    TendHome t(with_http());
    t.run_ok(start_fixture("api", {"-i", "2"}, {"sleep"}));
    json before = t.wait_for(
        "api", [](const json& i) { return i.size() == 2 && i[1]["status"] == "online"; },
        "2 online");
    int port = http_port(t);

    HttpResult apps = http_call(port, "GET", "/api/v1/apps");
    REQUIRE(apps.status == 200);
    CHECK(apps.headers["content-type"] == "application/json");
    json listed = apps.json()["instances"];
    REQUIRE(listed.size() == 2);
    CHECK(listed[0]["pid"] == before[0]["pid"]);
    CHECK(listed[1]["pid"] == before[1]["pid"]);
    CHECK(http_call(port, "GET", "/api/v1/version").json()["pid"] == t.serving_pid());

    HttpResult refused = http_call(port, "POST", "/api/v1/apps/api/restart");
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "forbidden");
    CHECK(http_call(port, "POST", "/api/v1/apps/api/stop").status == 403);
    json after = t.instances("api");
    CHECK(after[0]["pid"] == before[0]["pid"]);
    CHECK(after[1]["status"] == "online");

    HttpResult page = http_call(port, "GET", "/");
    CHECK(page.status == 200);
    CHECK(page.headers["content-type"] == "text/html; charset=utf-8");
    CHECK(page.headers["x-frame-options"] == "DENY");
    CHECK(page.headers["content-security-policy"] == "frame-ancestors 'none'");
    CHECK(http_call(port, "GET", "/api/v1/nothing").status == 404);
    CHECK(http_call(port, "DELETE", "/api/v1/apps").status == 405);
    CHECK(http_call(port, "GET", "/api/v1/apps/api/restart").status == 405);
    CHECK(http_call(port, "GET", "/api/v1/apps/nope").status == 404);
    // DNS rebinding: a page of another site pointed at 127.0.0.1.
    HttpResult rebound = http_call(port, "GET", "/api/v1/apps", {{"Host", "evil.example:80"}});
    CHECK(rebound.status == 403);
    CHECK(http_call(port, "GET", "/api/v1/apps", {{"Host", "localhost:" + std::to_string(port)}})
              .status == 200);
}

TEST_CASE("with a token, a write needs it: restart over HTTP changes the pid") {
    TendHome t(with_http());
    t.run_ok(start_fixture("web", {"-i", "2", "--env", "SECRET=hunter2"}, {"sleep"}));
    json before = t.wait_for(
        "web", [](const json& i) { return i.size() == 2 && i[1]["status"] == "online"; },
        "2 online");
    int port = http_port(t);
    std::string token = token_of(t);

    CHECK(http_call(port, "POST", "/api/v1/apps/web/restart").status == 401);
    HttpResult wrong = http_call(port, "POST", "/api/v1/apps/web/restart", bearer("x" + token));
    CHECK(wrong.status == 401);
    CHECK(wrong.headers["www-authenticate"] == "Bearer");
    CHECK(t.instances("web")[0]["pid"] == before[0]["pid"]);

    HttpResult done = http_call(port, "POST", "/api/v1/apps/web/restart?instance=1", bearer(token));
    REQUIRE(done.status == 200);
    json replied = done.json()["instances"];
    REQUIRE(replied.size() == 1);
    CHECK(replied[0]["instance"] == 1);
    json now = t.instances("web");
    CHECK(now[0]["pid"] == before[0]["pid"]);
    CHECK(now[1]["pid"] != before[1]["pid"]);
    CHECK(now[1]["pid"] == replied[0]["pid"]);

    // Environment values are shown only to a request with the token.
    std::string open = http_call(port, "GET", "/api/v1/apps/web").body;
    CHECK(open.find("hunter2") == std::string::npos);
    CHECK(open.find("SECRET") != std::string::npos);
    CHECK(http_call(port, "GET", "/api/v1/apps/web", bearer(token)).body.find("hunter2") !=
          std::string::npos);
    CHECK(http_call(port, "GET", "/api/v1/apps/1/env").status == 401);
    CHECK(http_call(port, "GET", "/api/v1/apps/1/env", bearer(token)).json()["env"]["SECRET"] ==
          "hunter2");

    // A new token: the old one stops working at once.
    t.run_ok({"http", "token", "--new"});
    CHECK(http_call(port, "POST", "/api/v1/apps/web/stop", bearer(token)).status == 401);
    HttpResult stopped = http_call(port, "POST", "/api/v1/apps/web/stop", bearer(token_of(t)));
    CHECK(stopped.status == 200);
    CHECK(t.instances("web")[0]["status"] == "stopped");
}

TEST_CASE("logs follow over HTTP as server-sent events, a line written after the stream opened") {
    TendHome t(with_http());
    start_marker_app(t, "marks");
    int port = http_port(t);
    t.run_ok({"signal", "SIGUSR2", "marks"});
    t.wait_until([&] { return has_text(read_file(first_out_log(t, "marks")), "marker 1"); },
                 "marker 1 in the log");

    EventStream stream(port, "/api/v1/logs/marks?follow=1&lines=5");
    REQUIRE(stream.status() == 200);
    std::optional<SseEvent> old = stream.wait_for("marker 1", 10s);
    REQUIRE(old);
    CHECK(old->event == "log");
    t.run_ok({"signal", "SIGUSR2", "marks"});
    std::optional<SseEvent> fresh = stream.wait_for("marker 2", 10s);
    REQUIRE(fresh);
    json line = json::parse(fresh->data);
    CHECK(line["name"] == "marks");
    CHECK(line["stream"] == "out");
    CHECK(line["line"] == "marker 2");

    json tail = http_call(port, "GET", "/api/v1/logs/marks?lines=1").json()["tail"];
    REQUIRE(tail.size() == 1);
    CHECK(tail[0]["line"] == "marker 2");
}

TEST_CASE("bad HTTP requests get a clear error and the daemon serves on") {
    TendHome t(with_http());
    t.run_ok(start_fixture("one", {}, {"sleep"}));
    int port = http_port(t);
    Headers auth = bearer(token_of(t));

    HttpResult not_json = http_call(port, "POST", "/api/v1/apps/one/scale", auth, "{oops");
    CHECK(not_json.status == 400);
    CHECK(not_json.json()["error"]["message"] == "the body is not JSON");
    CHECK(
        http_call(port, "POST", "/api/v1/apps/one/scale", auth, R"({"instances":"many"})").status ==
        400);
    CHECK(http_call(port, "POST", "/api/v1/apps", auth, R"({"name":"x"})").status == 400);
    CHECK(http_call(port, "GET", "/api/v1/logs/one?lines=lots").status == 400);
    HttpResult huge =
        http_call(port, "POST", "/api/v1/apps/one/send", auth, std::string(2 << 20, 'x'));
    CHECK(huge.status == 413);
    HttpResult missing = http_call(port, "POST", "/api/v1/apps/ghost/restart", auth);
    CHECK(missing.status == 404);
    CHECK(error_code(missing) == "not_found");
    HttpResult deep = http_call(port, "POST", "/api/v1/apps/one/send", auth,
                                std::string(100, '[') + std::string(100, ']'));
    CHECK(deep.status == 400);

    HttpResult scaled =
        http_call(port, "POST", "/api/v1/apps/one/scale", auth, R"({"instances":"+1"})");
    CHECK(scaled.status == 200);
    t.wait_for(
        "one", [](const json& i) { return i.size() == 2 && i[1]["status"] == "online"; },
        "scaled to 2 over HTTP");
    CHECK(http_call(port, "GET", "/api/v1/apps").json()["instances"].size() == 2);
}

TEST_CASE(
    "a stalled HTTP client never holds up the control socket, and one that stops reading is "
    "dropped") {
    TendHome t(with_http());
    int port = http_port(t);
    // Half a request, never finished.
    int stalled = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(stalled, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string half = "GET /api/v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    REQUIRE(::send(stalled, half.data(), half.size(), MSG_NOSIGNAL) > 0);

    // A loud app followed by a client that never reads.
    t.run_ok(start_fixture("loud", {}, {"flood", "30", "--width", "200"}));
    EventStream unread(port, "/api/v1/logs/loud?follow=1&lines=0");
    REQUIRE(unread.status() == 200);

    t.run_ok({"list"});
    CHECK(http_call(port, "GET", "/api/v1/version").status == 200);
    t.wait_until(
        [&] { return t.daemon_log_tail(200).find("dropped a client") != std::string::npos; },
        "the client that does not read dropped", 30s);
    CHECK(unread.closed_by_server(20s));
    t.run_ok({"stop", "loud"});
    t.run_ok({"list"});
    ::close(stalled);
}

TEST_CASE(
    "config.json's http.listen serves HTTP from a daemon the CLI starts, and a taken port stops it "
    "at start") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    write_text(t.home() + "/config.json", R"({"http": {"listen": "127.0.0.1:0"}})");
    t.run_ok({"start", "/bin/sleep", "--name", "nap", "--", "1000"});
    int port = http_port(t);
    CHECK(http_call(port, "GET", "/api/v1/apps").json()["instances"][0]["name"] == "nap");
    Result status = t.run_ok({"http"});
    CHECK(has_text(status.out, "http://127.0.0.1:" + std::to_string(port)));
    CHECK(has_text(status.out, "read-only"));
    t.run_ok({"kill"});

    // A port another process holds: the daemon does not start, and says why.
    int taken = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(taken, 1) == 0);
    ::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &size);
    std::string where = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    write_text(t.home() + "/config.json", R"({"http": {"listen": ")" + where + "\"}}");
    Result refused = t.run({"list"});
    CHECK(refused.exit_code != 0);
    CHECK(has_text(read_file(t.home() + "/tendd.log"), "cannot listen on " + where));
    // Nothing of that daemon stays behind (no keeper holding the home):
    // with the address gone, the next command starts a daemon at once.
    write_text(t.home() + "/config.json", "{}");
    t.run_ok({"list"});
    t.run_ok({"kill"});
    Result by_hand = t.run_program({TENDD_BIN, "--foreground", "--http", "nowhere:1"}, 10s);
    CHECK(by_hand.exit_code == 2);
    CHECK(has_text(by_hand.err, "--http: bad HTTP address 'nowhere:1'"));
    ::close(taken);
}

TEST_CASE(
    "an app started while HTTP clients are connected inherits none of their sockets, and a new "
    "daemon serves HTTP again") {
    TendHome t(with_http());
    int port = http_port(t);
    t.run_ok(start_fixture("quiet", {}, {"sleep"}));
    EventStream open_stream(port, "/api/v1/logs/quiet?follow=1");
    REQUIRE(open_stream.status() == 200);
    t.run_ok(start_fixture("later", {}, {"sleep"}));
    json later = t.wait_for(
        "later", [](const json& i) { return i.size() == 1 && i[0]["status"] == "online"; },
        "later online");
    // Read once it runs its own code: the loader opens and closes files first.
    t.wait_for_line(later[0]["out_log"], "ready ", "later ready");
    std::string fd_dir = "/proc/" + std::to_string(later[0]["pid"].get<int>()) + "/fd";
    std::set<int> fds;
    if (DIR* dir = ::opendir(fd_dir.c_str())) {
        while (dirent* e = ::readdir(dir))
            if (e->d_name[0] != '.') fds.insert(std::atoi(e->d_name));
        ::closedir(dir);
    }
    CHECK(fds == std::set<int>{0, 1, 2, 3});  // stdio and the IPC channel only

    // tendd killed: the next one takes the apps over and serves HTTP again.
    kill_daemon_and_wait_for_next(t);
    int next_port = http_port(t);
    HttpResult apps = http_call(next_port, "GET", "/api/v1/apps");
    REQUIRE(apps.status == 200);
    CHECK(apps.json()["instances"].size() == 2);
    CHECK(open_stream.closed_by_server(10s));
}
