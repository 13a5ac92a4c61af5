// The pure parts of metrics: /proc/<pid>/stat parsing, CPU % from ticks,
// and the per-instance line cap monit's subscription uses.
#include <doctest/doctest.h>

#include <string>

#include "daemon/metrics/proc_stat.h"
#include "daemon/streams/line_rate_limiter.h"

using namespace tend;

namespace {

// A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags
// minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
// threads itrealvalue starttime vsize rss ...
std::string stat_line(const std::string& comm) {
    return "4242 (" + comm +
           ") S 1 4200 4200 0 -1 4194560 500 0 0 0 150 25 7 3 20 0 1 0 987654 10485760 2560 "
           "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}

}  // namespace

TEST_CASE("proc stat: pid, group, ticks, start time and rss are read") {
    auto s = parse_proc_stat(stat_line("node"));
    REQUIRE(s);
    CHECK(s->pid == 4242);
    CHECK(s->pgid == 4200);
    CHECK(s->cpu_ticks == 175);  // utime + stime, not the children's
    CHECK(s->start_time == 987654);
    CHECK(s->rss_pages == 2560);
}

TEST_CASE("proc stat: a command name with spaces and parens does not shift the fields") {
    auto s = parse_proc_stat(stat_line("my (weird) app) x"));
    REQUIRE(s);
    CHECK(s->pgid == 4200);
    CHECK(s->cpu_ticks == 175);
    CHECK(s->rss_pages == 2560);
}

TEST_CASE("proc stat: garbage is not a sample") {
    CHECK_FALSE(parse_proc_stat(""));
    CHECK_FALSE(parse_proc_stat("4242 (x"));
    CHECK_FALSE(parse_proc_stat("4242 (x) S 1 2"));
}

TEST_CASE("cpu percent from ticks over an interval") {
    CHECK(cpu_percent(100, 1000, 100) == doctest::Approx(100.0));  // a whole core
    CHECK(cpu_percent(25, 1000, 100) == doctest::Approx(25.0));
    CHECK(cpu_percent(200, 1000, 100) == doctest::Approx(200.0));  // two cores
    CHECK(cpu_percent(50, 500, 100) == doctest::Approx(100.0));
    CHECK(cpu_percent(0, 1000, 100) == 0);
    CHECK(cpu_percent(10, 0, 100) == 0);  // no time passed: no figure
}

TEST_CASE("line rate limiter: a burst of twice the rate, then the rate") {
    LineRateLimiter limiter(10);
    int admitted = 0;
    for (int i = 0; i < 100; ++i) admitted += limiter.admit(1, 0);
    CHECK(admitted == 20);
    // One second later: ten more.
    admitted = 0;
    for (int i = 0; i < 100; ++i) admitted += limiter.admit(1, 1000);
    CHECK(admitted == 10);
    auto held = limiter.take_held_back();
    REQUIRE(held.size() == 1);
    CHECK(held[0] == std::pair<int, std::int64_t>{1, 170});
    CHECK(limiter.take_held_back().empty());
}

TEST_CASE("line rate limiter: a loud instance does not use up a quiet one's share") {
    LineRateLimiter limiter(5);
    for (int i = 0; i < 1000; ++i) limiter.admit(1, i);
    CHECK(limiter.admit(2, 1000));
    CHECK(limiter.admit(2, 1001));
}

TEST_CASE("line rate limiter: zero lets nothing through") {
    LineRateLimiter limiter(0);
    CHECK_FALSE(limiter.admit(1, 0));
    CHECK_FALSE(limiter.admit(1, 100000));
}

TEST_CASE("proc stat: a field that is not a number is not a sample") {
    std::string line = stat_line("x");
    CHECK_FALSE(parse_proc_stat(line.replace(line.find(" 4200 "), 6, " 42x0 ")));
    CHECK_FALSE(
        parse_proc_stat("x (y) S 1 4200 4200 0 -1 4194560 500 0 0 0 150 25 7 3 20 0 1 0 "
                        "987654 10485760 2560\n"));
}
