// cron_restart's expressions: fields, names, steps, the day rule, macros,
// time zones across daylight saving changes, and what is refused.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "common/cron_schedule.h"

namespace tend {
namespace {

// ms since the epoch of a UTC date and time.
std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::int64_t next(const std::string& expr, std::int64_t after, const std::string& tz = "UTC") {
    auto at = CronSchedule::parse(expr).next_after(after, tz);
    REQUIRE(at);
    return *at;
}

std::string refusal(const std::string& expr) {
    try {
        CronSchedule::parse(expr);
    } catch (const CronError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("cron: five fields, steps, ranges and lists") {
    CHECK(next("*/15 * * * *", utc(2024, 1, 1, 0, 7, 30)) == utc(2024, 1, 1, 0, 15));
    CHECK(next("*/15 * * * *", utc(2024, 1, 1, 0, 15)) ==
          utc(2024, 1, 1, 0, 30));  // strictly after
    CHECK(next("1-10/2 * * * *", utc(2024, 1, 1)) == utc(2024, 1, 1, 0, 1));
    CHECK(next("1-10/2 * * * *", utc(2024, 1, 1, 0, 8)) == utc(2024, 1, 1, 0, 9));
    CHECK(next("1-10/2 * * * *", utc(2024, 1, 1, 0, 9)) == utc(2024, 1, 1, 1, 1));
    CHECK(next("0 8,12,18 * * *", utc(2024, 1, 1, 12, 0, 1)) == utc(2024, 1, 1, 18));
    CHECK(next("0 0 1 * *", utc(2024, 1, 31, 23, 59)) == utc(2024, 2, 1));
    CHECK(next("0 0 31 * *", utc(2024, 2, 1)) == utc(2024, 3, 31));  // skips short months
    CHECK(next("59 23 31 12 *", utc(2024, 1, 1)) == utc(2024, 12, 31, 23, 59));
    CHECK(next("5/20 * * * *", utc(2024, 1, 1, 0, 6)) ==
          utc(2024, 1, 1, 0, 25));  // v/step: v to the end
}

TEST_CASE("cron: six fields put seconds first") {
    auto s = CronSchedule::parse("*/10 * * * * *");
    CHECK(s.has_seconds());
    CHECK(next("*/10 * * * * *", utc(2024, 1, 1, 0, 0, 5)) == utc(2024, 1, 1, 0, 0, 10));
    CHECK(next("* * * * * *", utc(2024, 1, 1) + 400) == utc(2024, 1, 1, 0, 0, 1));
    CHECK(next("30 0 * * * *", utc(2024, 1, 1, 0, 0, 30)) == utc(2024, 1, 1, 1, 0, 30));
    CHECK_FALSE(CronSchedule::parse("0 * * * *").has_seconds());
}

TEST_CASE("cron: month and weekday names, any case; 0 and 7 are both Sunday") {
    // 2024-01-01 is a Monday; 2024-01-07 a Sunday.
    CHECK(next("0 9 * JAN-MAR MON", utc(2024, 1, 1, 10)) == utc(2024, 1, 8, 9));
    CHECK(next("0 9 * jan-mar mon", utc(2024, 1, 1, 10)) == utc(2024, 1, 8, 9));
    CHECK(next("0 0 * FEB *", utc(2024, 1, 1)) == utc(2024, 2, 1));
    CHECK(next("0 0 * * 7", utc(2024, 1, 1)) == utc(2024, 1, 7));
    CHECK(next("0 0 * * 0", utc(2024, 1, 1)) == utc(2024, 1, 7));
    CHECK(next("0 0 * * SUN", utc(2024, 1, 1)) == utc(2024, 1, 7));
    CHECK(next("0 0 * * 5-7", utc(2024, 1, 1)) == utc(2024, 1, 5));
    CHECK(next("0 0 * * SAT,SUN", utc(2024, 1, 1)) == utc(2024, 1, 6));
}

TEST_CASE("cron: with both day fields restricted either matches (Vixie), else both must") {
    // 13th or any Friday: Friday the 5th comes first, then the 12th, then Saturday the 13th.
    CHECK(next("0 0 13 * FRI", utc(2024, 1, 1)) == utc(2024, 1, 5));
    CHECK(next("0 0 13 * FRI", utc(2024, 1, 12)) == utc(2024, 1, 13));
    // A day-of-month written with * is unrestricted: odd days that are Fridays.
    CHECK(next("0 0 */2 * FRI", utc(2024, 1, 6)) == utc(2024, 1, 19));
    CHECK(next("0 0 * * FRI", utc(2024, 1, 6)) == utc(2024, 1, 12));
    CHECK(next("0 0 1 * *", utc(2024, 1, 6)) == utc(2024, 2, 1));
}

TEST_CASE("cron: the @ macros") {
    std::int64_t from = utc(2024, 3, 15, 10, 30);  // a Friday
    CHECK(next("@hourly", from) == utc(2024, 3, 15, 11));
    CHECK(next("@daily", from) == utc(2024, 3, 16));
    CHECK(next("@midnight", from) == utc(2024, 3, 16));
    CHECK(next("@weekly", from) == utc(2024, 3, 17));
    CHECK(next("@monthly", from) == utc(2024, 4, 1));
    CHECK(next("@yearly", from) == utc(2025, 1, 1));
    CHECK(next("@annually", from) == utc(2025, 1, 1));
    CHECK(refusal("@reboot").find("not one of @yearly") != std::string::npos);
}

TEST_CASE("cron: bad expressions are refused naming the field") {
    CHECK(refusal("61 * * * *") == "cron_restart: minute 61 is out of 0-59");
    CHECK(refusal("0 24 * * *") == "cron_restart: hour 24 is out of 0-23");
    CHECK(refusal("0 0 0 * *") == "cron_restart: day-of-month 0 is out of 1-31");
    CHECK(refusal("0 0 * 13 *").find("month 13") != std::string::npos);
    CHECK(refusal("0 0 * * 8").find("day-of-week 8") != std::string::npos);
    CHECK(refusal("0 0 * FOO *").find("month 'FOO'") != std::string::npos);
    CHECK(refusal("5-1 * * * *").find("goes backwards") != std::string::npos);
    CHECK(refusal("*/0 * * * *").find("step '0'") != std::string::npos);
    CHECK(refusal("*/61 * * * *").find("step") != std::string::npos);
    CHECK(refusal("1,,2 * * * *").find("empty item") != std::string::npos);
    CHECK(refusal("* * *").find("needs 5 fields") != std::string::npos);
    CHECK(refusal("* * * * * * *").find("needs 5 fields") != std::string::npos);
    CHECK(refusal("").find("needs 5 fields") != std::string::npos);
    CHECK(refusal("? * * * *").find("minute") != std::string::npos);
    CHECK(refusal("-1 * * * *").find("minute") != std::string::npos);
    CHECK(refusal(std::string(300, '*')).find("longer than 256") != std::string::npos);
}

TEST_CASE("cron: an expression that never fires is found out, one that fires rarely is not") {
    auto never = CronSchedule::parse("0 0 30 2 *");
    CHECK_FALSE(never.next_after(utc(2024, 1, 1), "UTC"));
    CHECK_THROWS_WITH_AS(check_schedule("0 0 30 2 *", "", utc(2024, 1, 1)),
                         "cron_restart: '0 0 30 2 *' never matches (no time in the next 10 years)",
                         CronError);
    // 2100 is not a leap year: the next February 29th after 2097 is in 2104.
    CHECK(next("0 0 29 2 *", utc(2097, 3, 1)) == utc(2104, 2, 29));
    CHECK_NOTHROW(check_schedule("0 0 29 2 *", "Europe/Paris", utc(2024, 3, 1)));
}

TEST_CASE("cron: a named time zone") {
    // 09:00 in Tokyo (UTC+9, no daylight saving) is midnight UTC.
    CHECK(next("0 9 * * *", utc(2023, 12, 31, 23), "Asia/Tokyo") == utc(2024, 1, 1));
    CHECK(next("0 9 * * *", utc(2024, 1, 1), "Asia/Tokyo") == utc(2024, 1, 2));
    // Paris in winter is UTC+1, in summer UTC+2.
    CHECK(next("0 12 * * *", utc(2024, 1, 10), "Europe/Paris") == utc(2024, 1, 10, 11));
    CHECK(next("0 12 * * *", utc(2024, 7, 10), "Europe/Paris") == utc(2024, 7, 10, 10));
}

TEST_CASE("cron: a local time the spring change skips fires when the clocks jump, once") {
    // Paris, 2024-03-31: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    CHECK(next("30 2 * * *", utc(2024, 3, 31), "Europe/Paris") == utc(2024, 3, 31, 1));
    CHECK(next("30 2 * * *", utc(2024, 3, 31, 1), "Europe/Paris") == utc(2024, 4, 1, 0, 30));
    // New York, 2024-03-10: 02:00 EST becomes 03:00 EDT at 07:00 UTC; 02:00
    // and 02:30 both fall in the gap and fire once between them.
    CHECK(next("0,30 2 * * *", utc(2024, 3, 10, 6), "America/New_York") == utc(2024, 3, 10, 7));
    CHECK(next("0,30 2 * * *", utc(2024, 3, 10, 7), "America/New_York") == utc(2024, 3, 11, 6));
    // Every minute: the last before the jump, then the jump itself (03:00).
    CHECK(next("* * * * *", utc(2024, 3, 10, 6, 58), "America/New_York") ==
          utc(2024, 3, 10, 6, 59));
    CHECK(next("* * * * *", utc(2024, 3, 10, 6, 59), "America/New_York") == utc(2024, 3, 10, 7));
    CHECK(next("* * * * *", utc(2024, 3, 10, 7), "America/New_York") == utc(2024, 3, 10, 7, 1));
}

TEST_CASE("cron: a local time the autumn change repeats fires once") {
    // Paris, 2024-10-27: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:30
    // is 00:30 UTC and again 01:30 UTC.
    CHECK(next("30 2 * * *", utc(2024, 10, 27), "Europe/Paris") == utc(2024, 10, 27, 0, 30));
    CHECK(next("30 2 * * *", utc(2024, 10, 27, 0, 30), "Europe/Paris") == utc(2024, 10, 28, 1, 30));
    // New York, 2024-11-03: 02:00 EDT becomes 01:00 EST at 06:00 UTC.
    CHECK(next("0 1 * * *", utc(2024, 11, 3), "America/New_York") == utc(2024, 11, 3, 5));
    CHECK(next("0 1 * * *", utc(2024, 11, 3, 5), "America/New_York") == utc(2024, 11, 4, 6));
    // A schedule of every hour runs through the repeated hour, as Vixie cron's does.
    CHECK(next("0 * * * *", utc(2024, 11, 3, 5), "America/New_York") == utc(2024, 11, 3, 6));
    CHECK(next("0 * * * *", utc(2024, 11, 3, 6), "America/New_York") == utc(2024, 11, 3, 7));
}

TEST_CASE("cron: time zones are names of zoneinfo files, and TZ is given back") {
    CHECK_NOTHROW(check_time_zone(""));
    CHECK_NOTHROW(check_time_zone("UTC"));
    CHECK_NOTHROW(check_time_zone("America/Argentina/Buenos_Aires"));
    CHECK_THROWS_WITH_AS(check_time_zone("Mars/Olympus"),
                         "cron_timezone: 'Mars/Olympus' is not a known time zone (none in "
                         "/usr/share/zoneinfo)",
                         CronError);
    CHECK_THROWS_AS(check_time_zone("Europe"), CronError);  // a directory
    CHECK_THROWS_AS(check_time_zone("../../../etc/passwd"), CronError);
    CHECK_THROWS_AS(check_time_zone("Europe/../../etc/passwd"), CronError);
    CHECK_THROWS_AS(check_time_zone("/etc/localtime"), CronError);
    CHECK_THROWS_AS(check_time_zone("Europe/Paris;rm"), CronError);
    CHECK_THROWS_AS(check_time_zone(std::string(100, 'A')), CronError);
    CHECK_THROWS_AS(CronSchedule::parse("* * * * *").next_after(0, "Nowhere"), CronError);

    const char* old = std::getenv("TZ");
    std::string saved = old ? old : "";
    ::setenv("TZ", "Asia/Tokyo", 1);
    next("0 0 * * *", utc(2024, 1, 1), "Europe/Paris");
    CHECK(std::string(std::getenv("TZ")) == "Asia/Tokyo");
    ::unsetenv("TZ");
    next("0 0 * * *", utc(2024, 1, 1), "Europe/Paris");
    CHECK(std::getenv("TZ") == nullptr);
    if (old) ::setenv("TZ", saved.c_str(), 1);
    ::tzset();
}

}  // namespace tend
