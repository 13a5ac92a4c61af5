// Suggestions, durations, sizes, signals.
#include <doctest/doctest.h>

#include "common/app_spec.h"
#include "common/signals.h"
#include "common/text.h"

using namespace tend;

TEST_CASE("closest_match suggests near names only") {
    std::vector<std::string> names{"start", "stop", "restart", "delete"};
    CHECK(closest_match("strat", names) == "start");
    CHECK(closest_match("delet", names) == "delete");
    CHECK_FALSE(closest_match("zzzzzz", names));
}

TEST_CASE("uptime and bytes read like pm2's") {
    CHECK(format_uptime(1500) == "1s");
    CHECK(format_uptime(125000) == "2m");
    CHECK(format_uptime(7200000) == "2h");
    CHECK(format_uptime(3 * 86400000LL) == "3D");
    CHECK(format_bytes(512) == "512b");
    CHECK(format_bytes(1536) == "1.5kb");
    CHECK(format_bytes(5 * 1024 * 1024) == "5.0mb");
}

TEST_CASE("signals by name, short name and number") {
    CHECK(signal_number("SIGTERM") == 15);
    CHECK(signal_number("TERM") == 15);
    CHECK(signal_number("9") == 9);
    CHECK(signal_number("SIGNOPE") == 0);
    CHECK(signal_name(9) == "SIGKILL");
}

TEST_CASE("interpreters by extension, and the command line") {
    CHECK(default_interpreter("/a/app.js") == "node");
    CHECK(default_interpreter("x.py") == "python3");
    CHECK(default_interpreter("run.sh") == "bash");
    CHECK(default_interpreter("/bin/server") == "");
    AppSpec s;
    s.script = "/a/app.js";
    s.args = {"--port", "1"};
    CHECK(command_line(s) == std::vector<std::string>{"node", "/a/app.js", "--port", "1"});
    s.interpreter = "none";
    CHECK(command_line(s) == std::vector<std::string>{"/a/app.js", "--port", "1"});
}

TEST_CASE("spec validation names the bad field") {
    AppSpec s;
    s.name = "api";
    s.script = "/bin/true";
    CHECK_NOTHROW(validate(s));
    s.instances = 0;
    CHECK_THROWS_WITH(validate(s), "instances must be at least 1");
    s.instances = 1;
    s.name = "12";
    CHECK_THROWS_AS(validate(s), TendError);
    s.name = "api";
    s.restart.kill_signal = "SIGNOPE";
    CHECK_THROWS_WITH(validate(s), "unknown signal 'SIGNOPE'");
}

TEST_CASE("sizes with K, M and G suffixes, as --max-memory-restart takes them") {
    CHECK(parse_size("200M") == 200LL << 20);
    CHECK(parse_size("200m") == 200LL << 20);
    CHECK(parse_size("200MB") == 200LL << 20);
    CHECK(parse_size("512K") == 512LL << 10);
    CHECK(parse_size("1G") == 1LL << 30);
    CHECK(parse_size("1.5G") == 3LL << 29);
    CHECK(parse_size("300000") == 300000);
    CHECK_FALSE(parse_size(""));
    CHECK_FALSE(parse_size("M"));
    CHECK_FALSE(parse_size("lots"));
    CHECK_FALSE(parse_size("-5M"));
    CHECK_FALSE(parse_size("0"));
    CHECK_FALSE(parse_size("1.2.3M"));
    CHECK_FALSE(parse_size("10T"));
    CHECK_FALSE(parse_size("B"));
}

TEST_CASE("durations in milliseconds as PM2 writes them, refusing what overflows") {
    CHECK(parse_duration_ms("500") == 500);
    CHECK(parse_duration_ms("500ms") == 500);
    CHECK(parse_duration_ms("2s") == 2000);
    CHECK(parse_duration_ms("1m") == 60000);
    CHECK(parse_duration_ms("1h") == 3600000);
    CHECK(parse_duration_ms("2562047788015h") == 2562047788015LL * 3600000);
    CHECK_FALSE(parse_duration_ms("2562047788016h"));
    CHECK_FALSE(parse_duration_ms("9223372036854775807h"));
    CHECK_FALSE(parse_duration_ms("99999999999999999999"));
    CHECK_FALSE(parse_duration_ms(""));
    CHECK_FALSE(parse_duration_ms("s"));
    CHECK_FALSE(parse_duration_ms("2 s"));
    CHECK_FALSE(parse_duration_ms("2d"));
    CHECK_FALSE(parse_duration_ms("-2s"));
}

TEST_CASE("parse_date_time: ISO 8601 and a space for the T, seconds optional when asked") {
    auto full = tend::parse_date_time("2026-11-29T10:05:07.123Z", false);
    REQUIRE(full);
    CHECK(full->length == 19);
    CHECK(full->tm.tm_year == 126);
    CHECK(full->tm.tm_mon == 10);
    CHECK(full->tm.tm_mday == 29);
    CHECK(full->tm.tm_hour == 10);
    CHECK(full->tm.tm_min == 5);
    CHECK(full->tm.tm_sec == 7);
    CHECK(full->tm.tm_isdst == -1);
    auto short_form = tend::parse_date_time("2026-11-29 10:05", true);
    REQUIRE(short_form);
    CHECK(short_form->length == 16);
    CHECK(short_form->tm.tm_sec == 0);
    CHECK_FALSE(tend::parse_date_time("2026-11-29 10:05", false));
    CHECK_FALSE(tend::parse_date_time("2026-13-29T10:05:00", false));
    CHECK_FALSE(tend::parse_date_time("2026-11-29T24:05:00", false));
    CHECK_FALSE(tend::parse_date_time("2026/11/29T10:05:00", false));
    CHECK_FALSE(tend::parse_date_time("2026-11-2xT10:05:00", false));
    CHECK(tend::read_fixed_digits("ab123", 2, 3) == 123);
    CHECK(tend::read_fixed_digits("ab1-3", 2, 3) == -1);
    CHECK(tend::read_fixed_digits("12", 1, 2) == -1);
}
