// The forms of an HTTP listen address, and the words for a bad one.
#include <doctest/doctest.h>

#include "common/errors.h"
#include "common/http_address.h"

using namespace tend;

TEST_CASE("a port alone listens on loopback") {
    HttpAddress a = parse_http_address("9615");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 9615);
    CHECK_FALSE(a.ipv6);
    CHECK(a.loopback());
    CHECK(a.authority() == "127.0.0.1:9615");
}

TEST_CASE("host and port, IPv6 in brackets, localhost, and port 0") {
    HttpAddress any = parse_http_address("0.0.0.0:80");
    CHECK(any.host == "0.0.0.0");
    CHECK_FALSE(any.loopback());
    HttpAddress v6 = parse_http_address("[::1]:0");
    CHECK(v6.ipv6);
    CHECK(v6.host == "::1");
    CHECK(v6.port == 0);
    CHECK(v6.loopback());
    CHECK(v6.with_port(4321).authority() == "[::1]:4321");
    CHECK(parse_http_address("localhost:8080").host == "127.0.0.1");
    CHECK(parse_http_address("127.0.0.2:1").loopback());
    CHECK_FALSE(parse_http_address("[::]:1").loopback());
}

TEST_CASE("a bad address is refused, naming what is wrong") {
    auto message = [](const char* text) {
        try {
            parse_http_address(text);
        } catch (const TendError& e) {
            CHECK(e.code() == ErrorCode::kBadRequest);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(message("").find("it is empty") != std::string::npos);
    CHECK(message("70000").find("0 to 65535") != std::string::npos);
    CHECK(message("127.0.0.1:").find("0 to 65535") != std::string::npos);
    CHECK(message("example.com:80").find("numeric address or localhost") != std::string::npos);
    CHECK(message("::1:80").find("[ADDRESS]:PORT") != std::string::npos);
    CHECK(message("[::1]80").find("[ADDRESS]:PORT") != std::string::npos);
    CHECK(message("[1.2.3.4]:80").find("numeric address") != std::string::npos);
    CHECK(message("-1").find("0 to 65535") != std::string::npos);
}
