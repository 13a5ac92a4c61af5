// Rotation options: what users type, what is refused, how an app's options
// and the daemon's defaults merge, when the next time-based rotation is.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "common/errors.h"
#include "common/log_rotation.h"
#include "common/protocol.h"

namespace tend {

TEST_CASE("rotation interval: daily, hourly, none and durations of a second or more") {
    using Kind = RotationInterval::Kind;
    CHECK(parse_rotation_interval("daily")->kind == Kind::kDaily);
    CHECK(parse_rotation_interval("hourly")->kind == Kind::kHourly);
    CHECK(parse_rotation_interval("none")->kind == Kind::kNone);
    CHECK(parse_rotation_interval("off")->kind == Kind::kNone);
    CHECK(parse_rotation_interval("6h")->every_ms == 6 * 3600 * 1000);
    CHECK(parse_rotation_interval("2d")->every_ms == 2 * 24 * 3600 * 1000);
    CHECK(parse_rotation_interval("1s")->every_ms == 1000);
    CHECK_FALSE(parse_rotation_interval("500ms"));  // under a second
    CHECK_FALSE(parse_rotation_interval("weekly"));
    CHECK_FALSE(parse_rotation_interval(""));
    CHECK_FALSE(parse_rotation_interval("d"));
}

TEST_CASE("rotation size: K, M, G, bytes, and 0 for never") {
    CHECK(parse_rotation_size("10M") == 10 << 20);
    CHECK(parse_rotation_size("512K") == 512 << 10);
    CHECK(parse_rotation_size("4096") == 4096);
    CHECK(parse_rotation_size("0") == 0);
    CHECK(parse_rotation_size("off") == 0);
    CHECK_FALSE(parse_rotation_size("huge"));
    CHECK_FALSE(parse_rotation_size("-1M"));
}

TEST_CASE("rotation: an app's options over the daemon's over the built-in defaults") {
    RotationPolicy builtin = resolve_rotation({}, {});
    CHECK(builtin.max_size == 10 << 20);
    CHECK(builtin.retain == 30);
    CHECK_FALSE(builtin.compress);
    CHECK(builtin.interval.kind == RotationInterval::Kind::kNone);
    CHECK(builtin.rotates());

    LogRotation defaults;
    defaults.max_size = 1 << 20;
    defaults.compress = true;
    defaults.interval = "daily";
    LogRotation app;
    app.max_size = 0;
    app.retain = 3;
    RotationPolicy p = resolve_rotation(app, defaults);
    CHECK(p.max_size == 0);
    CHECK(p.retain == 3);
    CHECK(p.compress);
    CHECK(p.interval.kind == RotationInterval::Kind::kDaily);
    CHECK(p.rotates());  // by time still
    CHECK_FALSE(RotationPolicy::never().rotates());
}

TEST_CASE("rotation keys read from JSON, written back, and refused with the key named") {
    json j = json::parse(R"({"max_size": "5M", "retain": 5, "compress": true,
                              "rotate_interval": "hourly", "rotate_date_format": "%Y%m%d"})");
    LogRotation r = read_rotation(j);
    CHECK(r.max_size == 5 << 20);
    CHECK(r.retain == 5);
    CHECK(r.compress == true);
    CHECK(r.interval == "hourly");
    CHECK(r.date_format == "%Y%m%d");
    json back;
    write_rotation(back, r);
    CHECK(read_rotation(back) == r);
    CHECK(back["max_size"] == 5 << 20);
    CHECK(read_rotation(json::object()) == LogRotation{});

    auto refused = [](const char* text) {
        try {
            read_rotation(json::parse(text));
        } catch (const TendError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(refused(R"({"max_size": "huge"})").find("'max_size' must be") == 0);
    CHECK(refused(R"({"max_size": -5})").find("'max_size' must be") == 0);
    CHECK(refused(R"({"retain": -1})").find("'retain' must be") == 0);
    CHECK(refused(R"({"retain": 100000})").find("'retain' must be") == 0);
    CHECK(refused(R"({"compress": "yes"})").find("'compress' must be") == 0);
    CHECK(refused(R"({"rotate_interval": "weekly"})").find("'rotate_interval' must be") == 0);
    CHECK(refused(R"({"rotate_date_format": ""})").find("'rotate_date_format' must be") == 0);
}

TEST_CASE("the next time-based rotation: the next local midnight or hour, or the interval") {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    // 2026-11-30 04:30:15.250 UTC
    auto at = std::chrono::system_clock::from_time_t(1796013015) + std::chrono::milliseconds(250);
    using Kind = RotationInterval::Kind;
    CHECK(ms_until_rotation({Kind::kHourly, 0}, at) == (29 * 60 + 44) * 1000 + 750);
    CHECK(ms_until_rotation({Kind::kDaily, 0}, at) ==
          ((19 * 60 + 29) * 60 + 44) * std::int64_t{1000} + 750);
    CHECK(ms_until_rotation({Kind::kEvery, 5000}, at) == 5000);
    CHECK_FALSE(ms_until_rotation({}, at));
    ::unsetenv("TZ");
    ::tzset();
}

}  // namespace tend
