// --since: durations back from now, and local times with T or a space.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "cli/since_time.h"
#include "cli/usage_error.h"

namespace tend {

TEST_CASE("--since takes a duration in s, m, h or d back from now") {
    const std::int64_t now = 1'800'000'000'000;
    CHECK(parse_since("90s", now) == now - 90'000);
    CHECK(parse_since("10m", now) == now - 600'000);
    CHECK(parse_since("2h", now) == now - 7'200'000);
    CHECK(parse_since("1d", now) == now - 86'400'000);
    CHECK(parse_since("0s", now) == now);
}

TEST_CASE("--since takes a local date and time, with T or a space, seconds optional") {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 29;
    tm.tm_hour = 10;
    tm.tm_isdst = -1;
    std::int64_t ten = static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
    CHECK(parse_since("2026-11-29T10:00", 0) == ten);
    CHECK(parse_since("2026-11-29 10:00", 0) == ten);
    CHECK(parse_since("2026-11-29T10:00:30", 0) == ten + 30'000);
}

TEST_CASE("--since refuses what is neither") {
    for (const char* bad :
         {"", "10", "m", "10x", "-5m", "10 m", "2026-11-29", "2026-11-29T10", "2026-13-01T00:00",
          "2026-02-31T00:00", "2026-11-29T25:00", "2026/11/29 10:00", "2026-11-29T10:00:0"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_since(bad, 0), UsageError);
    }
    CHECK_THROWS_WITH(parse_since("soon", 0),
                      "--since: expected a duration (10m: s, m, h, d) or a local time "
                      "(2026-11-29T10:00[:SS]), got 'soon'");
}

}  // namespace tend
