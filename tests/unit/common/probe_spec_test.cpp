// Probes as written: a host is an address (the daemon never blocks on a
// name lookup), and a bad probe is one line naming where it is.
#include "common/probe_spec.h"

#include <doctest/doctest.h>

#include "common/errors.h"

using namespace tend;

TEST_CASE("a probe's host is an IP address or localhost") {
    CHECK(read_probe(json::parse(R"({"tcp": {"port": 5432, "host": "::1"}})"), "p").host == "::1");
    CHECK(parse_probe_flag("http://localhost:8080/health", "--liveness").host == "localhost");
    CHECK_THROWS_WITH_AS(
        read_probe(json::parse(R"({"http_get": {"port": 80, "host": "db.internal"}})"),
                   "apps[0].readiness"),
        "apps[0].readiness.http_get.host must be an IP address or localhost, not 'db.internal'",
        TendError);
    CHECK_THROWS_WITH_AS(parse_probe_flag("tcp://db:5432", "--readiness"),
                         "--readiness must be an IP address or localhost, not 'db'", TendError);
}
