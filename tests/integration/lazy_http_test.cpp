// libmicrohttpd (and the gnutls it pulls in) is loaded only by a daemon that
// serves HTTP: a daemon without it does not map the libraries at all, and
// one started with --http loads them and answers.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness.h"
#include "http_api_client.h"

using namespace tend::it;

// Named, not anonymous: the unity build puts test files together.
namespace lazy_http {

std::string maps_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
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
    int port = http_port(t);
    CHECK(http_call(port, "GET", "/metrics").status == 200);
    CHECK(lazy_http::maps_of(t.serving_pid()).find("libmicrohttpd") != std::string::npos);
}
