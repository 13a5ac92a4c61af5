// libmicrohttpd (and the gnutls it pulls in) is loaded only by a daemon that
// serves HTTP: a daemon without it does not map the libraries at all, and
// one started with --http loads them and answers.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"

using namespace tend::it;

// Named, not anonymous: the unity build puts test files together.
namespace lazy_http {

std::string maps_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int served_port(TendHome& t) {
    json ping = json::parse(t.run_ok({"ping", "--json"}).out);
    std::string url = ping.value("http", "");
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(url, m, std::regex(R"(http://127\.0\.0\.1:(\d+))")), url);
    return std::stoi(m[1]);
}

// The status line of GET /metrics on 127.0.0.1:port ("" when nothing came
// within 10 s), read until the server closes.
std::string metrics_status(int port) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string raw;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port);
        request.append("\r\nConnection: close\r\n\r\n");
        if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
            char buf[4096];
            for (;;) {
                auto left =
                    std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
                pollfd p{fd, POLLIN, 0};
                if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) break;
                ssize_t n = ::read(fd, buf, sizeof buf);
                if (n <= 0) break;
                raw.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    return raw.substr(0, raw.find("\r\n"));
}

}  // namespace lazy_http

TEST_CASE("a daemon without HTTP does not load libmicrohttpd or gnutls") {
    TendHome t;
    t.run_ok({"ping"});
    pid_t pid = t.serving_pid();
    REQUIRE(pid > 0);
    std::string maps = lazy_http::maps_of(pid);
    REQUIRE(!maps.empty());
    CHECK(maps.find("libmicrohttpd") == std::string::npos);
    CHECK(maps.find("libgnutls") == std::string::npos);
}

TEST_CASE("a daemon started with --http loads libmicrohttpd and serves") {
    TendHome::Options o;
    o.daemon_args = {"--http", "127.0.0.1:0"};
    TendHome t(o);
    int port = lazy_http::served_port(t);
    CHECK(lazy_http::metrics_status(port) == "HTTP/1.1 200 OK");
    CHECK(lazy_http::maps_of(t.serving_pid()).find("libmicrohttpd") != std::string::npos);
}
