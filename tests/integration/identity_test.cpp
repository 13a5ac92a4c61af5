// Who may talk to whom on the control socket: the daemon serves only its
// own user (and root), and the CLI talks only to a daemon of its own user
// (or root), for a request carries the caller's environment. Both need a
// second uid, so they run as root and are skipped otherwise.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grp.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "harness.h"

using namespace tend::it;

namespace {

constexpr uid_t kNobody = 65534;

bool become_nobody() {
    return ::setgroups(0, nullptr) == 0 && ::setresgid(kNobody, kNobody, kNobody) == 0 &&
           ::setresuid(kNobody, kNobody, kNobody) == 0;
}

// Everything from fd until EOF (or an error).
std::string read_to_end(int fd) {
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return text;
        text.append(buf, static_cast<std::size_t>(n));
    }
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), std::min(path.size(), sizeof addr.sun_path - 1));
    return addr;
}

// A child process that runs body(report_fd) and exits; what it writes to
// report_fd is read by the parent. The parent reaps it, or kills it on a
// failed wait.
class Child {
  public:
    template <typename Body>
    explicit Child(Body body) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(fds[0]);
            body(fds[1]);
            ::_exit(0);
        }
        ::close(fds[1]);
        report_ = fds[0];
    }
    ~Child() {
        ::close(report_);
        if (!wait_child(pid_, 10s)) kill_child(pid_);
    }
    int report() const { return report_; }

  private:
    pid_t pid_ = -1;
    int report_ = -1;
};

void say(int fd, const std::string& text) {
    (void)!::write(fd, text.data(), text.size());
}

}  // namespace

TEST_CASE("the daemon refuses a client of another uid even when the socket's mode lets it in") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: needs root to connect as a second uid");
        return;
    }
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    // Loosen what the file system would have stopped, to reach the check
    // the daemon itself makes.
    std::string base = std::filesystem::path(t.home()).parent_path();
    REQUIRE(::chmod(base.c_str(), 0711) == 0);
    REQUIRE(::chmod(t.home().c_str(), 0711) == 0);
    REQUIRE(::chmod(t.socket_path().c_str(), 0666) == 0);
    std::string request = request_line(1, "list", json::object());
    std::string reply;
    {
        Child nobody([&](int report) {
            if (!become_nobody()) return say(report, "cannot become nobody");
            int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr = address_of(t.socket_path());
            if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
                return say(report, std::string("connect: ") + std::strerror(errno));
            say(fd, request);
            say(report, read_to_end(fd));
        });
        reply = read_to_end(nobody.report());
    }
    INFO("reply to nobody: " << reply);
    CHECK(contains(reply, "permission_denied"));
    CHECK_FALSE(contains(reply, "\"w\""));
    REQUIRE(::chmod(t.home().c_str(), 0700) == 0);
    CHECK(t.instances("w").size() == 1);
}

TEST_CASE("the CLI sends nothing to a socket served by another uid") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: needs root to serve a socket as a second uid");
        return;
    }
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    // The impostor binds as root in the home, then listens as nobody: a
    // listening socket's peer credentials are those of its listen(). It
    // reports "listening", then how many bytes its one client sent.
    std::string path = t.socket_path();
    Child impostor([&](int report) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr = address_of(path);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || !become_nobody() ||
            ::listen(fd, 4) != 0)
            return say(report, "cannot listen\n");
        say(report, "listening\n");
        pollfd waiting{fd, POLLIN, 0};
        if (::poll(&waiting, 1, 20'000) != 1) return say(report, "no client came\n");
        int client = ::accept(fd, nullptr, nullptr);
        say(report, std::to_string(read_to_end(client).size()) + " bytes\n");
    });
    std::string first;
    for (char c; (first.empty() || first.back() != '\n') && ::read(impostor.report(), &c, 1) == 1;)
        first += c;
    REQUIRE(first == "listening\n");

    Result r = t.run({"list"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "served by uid 65534"));
    CHECK(read_to_end(impostor.report()) == "0 bytes\n");
}
