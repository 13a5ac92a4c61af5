// The HTTP probe's request and its reading of a status line.
#include "daemon/health/http_status.h"

#include <doctest/doctest.h>

using namespace tend;
using Kind = StatusLine::Kind;

TEST_CASE("a status line with or without a reason phrase") {
    CHECK(parse_status_line("HTTP/1.1 200 OK\r\n").status == 200);
    CHECK(parse_status_line("HTTP/1.0 503 Service Unavailable\r\nX: y\r\n").status == 503);
    CHECK(parse_status_line("HTTP/1.1 204\r\n").kind == Kind::kStatus);
}

TEST_CASE("a status line still arriving is incomplete, whatever it is cut at") {
    std::string line = "HTTP/1.1 500 Internal Server Error";
    for (std::size_t n = 0; n <= line.size(); ++n)
        CHECK(parse_status_line(line.substr(0, n)).kind == Kind::kIncomplete);
    CHECK(parse_status_line(line + "\r\n").status == 500);
}

TEST_CASE("anything else is malformed") {
    CHECK(parse_status_line("SSH-2.0-OpenSSH\r\n").kind == Kind::kMalformed);
    CHECK(parse_status_line("HTTP/1.1 20\r\n").kind == Kind::kMalformed);
    CHECK(parse_status_line("HTTP/1.1 2000\r\n").kind == Kind::kMalformed);
    CHECK(parse_status_line("HTTP/1.1 099 x\r\n").kind == Kind::kMalformed);
    CHECK(parse_status_line("HTTP/x").kind == Kind::kMalformed);
    CHECK(parse_status_line("HTTP/1.1 200 " + std::string(2000, 'a')).kind == Kind::kMalformed);
}

TEST_CASE("the request: Host, the probe's headers, Connection: close") {
    Probe p;
    p.kind = ProbeKind::kHttpGet;
    p.port = 8080;
    p.path = "/health?deep=1";
    p.headers = {{"X-Probe", "1"}};
    CHECK(http_probe_request(p) ==
          "GET /health?deep=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: tend-probe\r\n"
          "X-Probe: 1\r\nConnection: close\r\n\r\n");
    p.host = "::1";
    CHECK(http_probe_request(p).find("Host: [::1]:8080\r\n") != std::string::npos);
    p.headers = {{"host", "api.local"}};
    std::string r = http_probe_request(p);
    CHECK(r.find("Host: [::1]") == std::string::npos);
    CHECK(r.find("host: api.local\r\n") != std::string::npos);
}
