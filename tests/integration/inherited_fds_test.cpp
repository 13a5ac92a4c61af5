// What an app inherits from tendd: exactly stdin, stdout, stderr and the
// descriptors tend means to give it (fd 3 with a shared port, then its IPC
// channel), never one of the daemon's own: its log file, another app's
// listening socket, a socket the keeper hands over.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"
#include "survival_support.h"

namespace tend::it {
namespace {

// "fd -> what it is" for every descriptor pid holds.
std::map<int, std::string> open_fds(pid_t pid) {
    std::map<int, std::string> out;
    std::error_code ec;
    std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        int fd = std::stoi(entry.path().filename().string());
        out[fd] = std::filesystem::read_symlink(entry.path(), ec).string();
    }
    return out;
}

std::string describe(const std::map<int, std::string>& fds) {
    std::string text;
    for (const auto& [fd, what] : fds) text += std::to_string(fd) + " -> " + what + "\n";
    return text;
}

std::set<int> numbers(const std::map<int, std::string>& fds) {
    std::set<int> out;
    for (const auto& [fd, what] : fds) out.insert(fd);
    return out;
}

pid_t online_pid(TendHome& t, const std::string& name) {
    return t.wait_for(name, all_online(1), name + " online")[0]["pid"].get<pid_t>();
}

// The descriptors of name's online instance once it runs its own code (the
// fixture says "ready"): before that, the dynamic loader and the C++
// runtime open and close files of their own.
std::map<int, std::string> app_fds(TendHome& t, const std::string& name) {
    json inst = t.wait_for(name, all_online(1), name + " online")[0];
    t.wait_for_line(inst["out_log"], "ready ", name + " ready");
    return open_fds(inst["pid"].get<pid_t>());
}

}  // namespace

TEST_CASE("an app inherits stdio, its IPC channel and its port, and none of tendd's own fds") {
    TendHome t;
    // A Node cluster app first: tendd then holds a listening socket of its own.
    t.run_ok(start_node("web", fixture_js("node_http.js"),
                        {"-i", "2", "--env", "PORT=0", "--env", "SAY_PORT=1"}));
    t.wait_for("web", all_online(2), "web online");
    t.wait_for_line(t.instances("web")[0]["out_log"], "listening ", "web listening");

    t.run_ok(start_fixture("plain", {}, {"sleep"}));
    auto plain = app_fds(t, "plain");
    INFO("plain:\n" << describe(plain));
    CHECK(numbers(plain) == std::set<int>{0, 1, 2, 3});
    CHECK(contains(plain[3], "socket:"));

    t.run_ok(start_fixture("ported", {"--port", std::to_string(free_port())}, {"sleep"}));
    auto ported = app_fds(t, "ported");
    INFO("ported:\n" << describe(ported));
    CHECK(numbers(ported) == std::set<int>{0, 1, 2, 3, 4});

    // After a take-over too: what the keeper handed the new tendd stays its own.
    kill_daemon_and_wait_for_next(t);
    t.run_ok(start_fixture("later", {}, {"sleep"}));
    auto later = app_fds(t, "later");
    INFO("later:\n" << describe(later));
    CHECK(numbers(later) == std::set<int>{0, 1, 2, 3});

    for (const auto& fds : {plain, ported, later})
        for (const auto& [fd, what] : fds) CHECK_FALSE(contains(what, "tendd.log"));
}

TEST_CASE(
    "a Node cluster app's port is free once it is deleted, though other apps started meanwhile") {
    TendHome t;
    int port = free_port();
    auto web =
        start_node("web", fixture_js("node_http.js"), {"-i", "2", "--port", std::to_string(port)});
    t.run_ok(web);
    serving(t, "web", port, 2);
    // Started while tendd holds web's socket: it must not inherit a copy.
    t.run_ok(start_fixture("bystander", {}, {"sleep"}));
    online_pid(t, "bystander");
    t.run_ok({"delete", "web"});
    Result again = t.run(web);
    INFO("stderr: " << again.err);
    CHECK(again.exit_code == 0);
    serving(t, "web", port, 2);
}

}  // namespace tend::it
