// The daemon's own life: a private home, one daemon per home, `tend kill`
// taking everything down, and the CLI starting a daemon when none runs.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <functional>

#include "harness.h"

using namespace tend::it;

namespace {

// Sets the process umask for one test, so the daemon's modes cannot come
// from a strict umask by luck.
class UmaskGuard {
  public:
    explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskGuard() { ::umask(old_); }

  private:
    mode_t old_;
};

mode_t permissions(const std::string& path) {
    struct stat st {};
    REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, "stat " << path);
    return st.st_mode & 07777;
}

// What systemd listens on for a Type=notify service: a datagram socket,
// here in the abstract namespace ("@name"), so no file is left behind.
class FakeServiceManager {
  public:
    FakeServiceManager() : name_("tend-it-notify-" + std::to_string(::getpid())) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr = address();
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), length()) == 0);
    }
    ~FakeServiceManager() { ::close(fd_); }
    std::string notify_socket() const { return "@" + name_; }
    // The next datagram, or nullopt after timeout.
    std::optional<std::string> receive(Millis timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
        char buf[512];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::optional<std::string>(std::string(buf, static_cast<std::size_t>(n)))
                     : std::nullopt;
    }

  private:
    sockaddr_un address() const {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        name_.copy(addr.sun_path + 1, name_.size());  // sun_path[0] = 0: abstract
        return addr;
    }
    socklen_t length() const {
        return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_.size());
    }

    std::string name_;
    int fd_ = -1;
};

}  // namespace

TEST_CASE("the home is private: TEND_HOME is 0700 and tend.sock is 0600") {
    UmaskGuard umask(022);
    TendHome t;
    CHECK(permissions(t.home()) == 0700);
    CHECK(permissions(t.socket_path()) == 0600);
}

TEST_CASE("a second tendd on the same home exits non-zero and the first keeps serving") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    json before = t.wait_for("w", all_online(1), "w online");

    Result second = t.run_program({TENDD_BIN, "--foreground"}, 10s);
    INFO("second tendd: exit " << second.exit_code << "\nstdout: " << second.out
                               << "\nstderr: " << second.err);
    CHECK_FALSE(second.timed_out);
    CHECK(second.exit_code != 0);
    CHECK(contains(second.out + second.err, "already running"));
    CHECK(contains(second.out + second.err, std::to_string(t.serving_pid())));

    t.run_ok({"ping"});
    CHECK(process_alive(t.daemon_pid()));
    CHECK(t.instances("w")[0]["pid"] == before[0]["pid"]);
}

namespace {

// Starts two apps (one forks a child), asks the daemon to end with ask(),
// and checks that every process is gone and the daemon exited 0.
void stops_everything_then_exits(TendHome& t, const std::function<void()>& ask) {
    t.run_ok(start_fixture("w", {"-i", "2"}, {"sleep"}));
    t.run_ok(start_fixture("tree", {}, {"fork-child"}));
    json w = t.wait_for("w", all_online(2), "w online");
    json tree = t.wait_for("tree", all_online(1), "tree online");
    std::string child_line =
        t.wait_for_line(tree[0]["out_log"].get<std::string>(), "child ", "tree's child pid");
    int child = std::atoi(child_line.substr(6).c_str());
    t.remember_pid(child);
    std::vector<int> pids{w[0]["pid"], w[1]["pid"], tree[0]["pid"], child};

    ask();
    auto code = t.wait_daemon_exit(15s);
    REQUIRE_MESSAGE(code.has_value(), "tendd still runs 15 s after it was asked to end");
    CHECK(*code == 0);
    for (int pid : pids)
        t.wait_until([pid] { return !process_alive(pid); },
                     "pid " + std::to_string(pid) + " gone with the daemon", 5s);
}

}  // namespace

TEST_CASE("tend kill stops every app and the daemon, and ping then fails") {
    TendHome t;
    stops_everything_then_exits(t, [&t] { t.run_ok({"kill"}); });
    for (int attempt = 0; attempt < 2; ++attempt) {  // the first ping must not start a daemon
        Result ping = t.run({"ping"});
        CHECK(ping.exit_code == 1);
        CHECK(ping.err == "tend: error: daemon is not running\n");
    }
}

TEST_CASE("SIGTERM or SIGINT to tendd stops every app, then the daemon, as tend kill does") {
    for (int sig : {SIGTERM, SIGINT}) {
        CAPTURE(sig);
        TendHome t;
        stops_everything_then_exits(t, [&t, sig] { REQUIRE(::kill(t.daemon_pid(), sig) == 0); });
    }
}

TEST_CASE("tend list starts a daemon when none runs, while ping and kill never do") {
    TendHome t(TendHome::Options::without_daemon());
    for (const char* never_starts : {"ping", "kill"}) {
        CAPTURE(never_starts);
        t.run({never_starts});
        Result ping = t.run({"ping"});
        CHECK(ping.exit_code == 1);
        CHECK(ping.err == "tend: error: daemon is not running\n");
    }

    t.run_ok({"list"});
    t.run_ok({"ping"});
    int pid = std::atoi(read_file(t.home() + "/tendd.pid").c_str());
    REQUIRE(process_alive(pid));

    t.run_ok({"kill"});
    t.wait_until([pid] { return !process_alive(pid); }, "the auto-started tendd to exit", 15s);
    CHECK(t.run({"ping"}).exit_code == 1);
}

TEST_CASE("under systemd's Type=notify tendd says READY=1 once it serves, and no app inherits it") {
    FakeServiceManager systemd;
    TendHome::Options options;
    options.daemon_env = {"NOTIFY_SOCKET=" + systemd.notify_socket()};
    TendHome t(options);
    auto ready = systemd.receive(10s);
    REQUIRE(ready);
    CHECK(*ready == "READY=1\nMAINPID=" + std::to_string(t.daemon_pid()) + "\n");
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    json insts = t.wait_for("w", all_online(1), "w online");
    CHECK_FALSE(process_has_env(insts[0]["pid"], "NOTIFY_SOCKET=" + systemd.notify_socket()));
}
