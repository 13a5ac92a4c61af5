// cron_restart in the process table, driven by the fake clock: a running
// app restarted with reason "cron", a stopped one left alone, a cron job run
// at each time and never twice at once, a wall clock that jumps, and a
// take-over that keeps the schedule.
#include <doctest/doctest.h>

#include "daemon/handover/table_state_json.h"
#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

namespace {

// The fake wall clock starts at 2023-11-14 22:13:21 UTC (1700000001000).
constexpr std::int64_t kMinute = 1700000040000;  // 22:14:00, the next whole minute

AppSpec every_minute(const std::string& name) {
    AppSpec s = app(name);
    s.schedule.cron = "0 * * * * *";  // at second 0 of every minute
    s.schedule.timezone = "UTC";
    return s;
}

// A one-shot app with a schedule: a cron job, every 10 seconds.
AppSpec cron_job(const std::string& name, bool overlap = false) {
    AppSpec s = app(name);
    s.restart.autorestart = false;
    s.schedule.cron = "*/10 * * * * *";
    s.schedule.timezone = "UTC";
    s.schedule.overlap = overlap;
    return s;
}

// Moves the fake clocks to wall time `wall` and acts on what is due.
void at_wall(Fixture& f, std::int64_t wall) {
    f.clock.now = wall - 1700000000000 - f.clock.wall_shift;
    f.table.tick();
}

}  // namespace

TEST_CASE("cron: a running app restarts gracefully at each firing, with reason cron") {
    Fixture f;
    int id = f.table.start(every_minute("api")).front();
    int first = f.pid(id);
    CHECK(f.table.next_deadline() == f.clock.now + (kMinute - f.clock.wall_ms()));
    CHECK(f.table.info(id, false).next_run_at == kMinute);
    at_wall(f, kMinute - 1);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.signals.empty());
    at_wall(f, kMinute);
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.launcher.signalled(first, SIGINT));  // gracefully: the kill signal first
    f.table.on_exit(id, first, std::nullopt, SIGINT);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != first);
    InstanceInfo info = f.table.info(id, false);
    CHECK(info.restart_reason == "cron");
    CHECK(info.restart_reason_detail == "cron_restart '0 * * * * *'");
    CHECK(info.restarts == 1);
    CHECK(info.next_run_at == kMinute + 60000);
    CHECK(f.told.back() == f.clock.now + 60000);  // the watcher was told the next one
}

TEST_CASE("cron: a stopped app stays stopped at its times") {
    Fixture f;
    int id = f.table.start(every_minute("api")).front();
    f.table.stop({id});
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    REQUIRE(f.state(id) == InstanceState::kStopped);
    CHECK(f.table.info(id, false).next_run_at == 0);
    at_wall(f, kMinute);
    at_wall(f, kMinute + 60000);
    CHECK(f.state(id) == InstanceState::kStopped);
    CHECK(f.launcher.spawned.size() == 1);
}

TEST_CASE("cron: a cron job runs at each time, never twice at once") {
    Fixture f;
    int id = f.table.start(cron_job("backup")).front();  // runs at start, as PM2 does
    std::int64_t t = 1700000010000;                      // 22:13:30
    CHECK(f.table.info(id, false).next_run_at == t);
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    REQUIRE(f.state(id) == InstanceState::kCompleted);

    at_wall(f, t);  // from completed
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == 2);
    CHECK(f.table.info(id, false).restart_reason == "cron");
    int running = f.pid(id);

    at_wall(f, t + 10000);  // the last run still runs: this time is skipped
    CHECK(f.pid(id) == running);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == 2);
    CHECK_FALSE(f.launcher.signalled(running, SIGINT));

    f.table.on_exit(id, running, 1, std::nullopt);  // a failed run
    REQUIRE(f.state(id) == InstanceState::kStopped);
    CHECK(f.table.info(id, false).exit_code == 1);
    at_wall(f, t + 20000);  // from stopped after a failure
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == 3);
    CHECK(f.table.find(id)->restarts == 2);
}

TEST_CASE("cron: with cron_overlap a run still going is restarted at the next time") {
    Fixture f;
    int id = f.table.start(cron_job("backup", true)).front();
    int running = f.pid(id);
    at_wall(f, 1700000010000);
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.launcher.signalled(running, SIGINT));
    f.table.on_exit(id, running, std::nullopt, SIGINT);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != running);
    CHECK(f.table.info(id, false).restart_reason == "cron");
}

TEST_CASE("cron: a user's stop of a cron job stops its schedule until a restart") {
    Fixture f;
    int id = f.table.start(cron_job("backup")).front();
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    f.table.stop({id});  // completed → stopped, by the user
    REQUIRE(f.state(id) == InstanceState::kStopped);
    CHECK(f.table.info(id, false).next_run_at == 0);
    at_wall(f, 1700000010000);
    at_wall(f, 1700000020000);
    CHECK(f.state(id) == InstanceState::kStopped);
    CHECK(f.launcher.spawned.size() == 1);

    f.table.restart({id});  // runs now, and the schedule is back
    CHECK(f.state(id) == InstanceState::kOnline);
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    CHECK(f.table.info(id, false).next_run_at == 1700000030000);
    at_wall(f, 1700000030000);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == 3);
}

TEST_CASE("cron: restart of a completed one-shot app runs it again") {
    Fixture f;
    AppSpec once = app("migrate");
    once.restart.autorestart = false;
    int id = f.table.start(once).front();
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    REQUIRE(f.state(id) == InstanceState::kCompleted);
    CHECK(f.table.info(id, false).exit_code == 0);
    CHECK(f.table.info(id, false).next_run_at == 0);  // no schedule
    CHECK_FALSE(f.table.next_deadline());
    f.table.restart({id});
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == 2);
}

TEST_CASE("cron: the wall clock set forward fires the time it passed, once, within a recheck") {
    Fixture f;
    int id = f.table.start(every_minute("api")).front();
    std::int64_t start = f.clock.now;
    f.clock.wall_shift = 3 * 3600 * 1000;  // three hours ahead; the monotonic clock is not
    CHECK(f.table.next_deadline() <= start + kScheduleRecheckMs);
    f.clock.now = *f.table.next_deadline();
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kStopping);  // once, not 180 times
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGINT);
    CHECK(f.table.find(id)->restarts == 1);
    // The next firing is the next minute of the clock as it reads now.
    std::int64_t wall = f.clock.wall_ms();
    CHECK(f.table.info(id, false).next_run_at == (wall / 60000 + 1) * 60000);
}

TEST_CASE("cron: the wall clock set back fires nothing early and the firing comes again") {
    Fixture f;
    int id = f.table.start(every_minute("api")).front();
    f.clock.wall_shift = -3600 * 1000;  // an hour back, before the deadline comes
    f.clock.now = *f.table.next_deadline();
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.signals.empty());
    // Found again from the wall clock as it reads now: the next minute of that.
    std::int64_t next = (f.clock.wall_ms() / 60000 + 1) * 60000;
    CHECK(f.table.info(id, false).next_run_at == next);
    at_wall(f, next);
    CHECK(f.state(id) == InstanceState::kStopping);
}

TEST_CASE("cron: a take-over keeps the schedule, and a firing missed meanwhile happens once") {
    Fixture before;
    int id = before.table.start(every_minute("api")).front();
    int job = before.table.start(cron_job("backup")).front();
    before.table.stop({job});
    before.table.on_exit(job, before.pid(job), std::nullopt, SIGINT);
    std::string text;
    append_table_state(text, before.table.view(), [](int) { return std::string(); });

    SUBCASE("adopted before the firing") {
        Fixture after;
        after.clock.now = before.clock.now;
        after.table.adopt(
            table_state_from_json(json::parse(text), [](const std::string&) { return -1; }));
        CHECK(after.table.info(id, false).next_run_at == kMinute);
        CHECK(after.table.find(job)->schedule_paused);  // the user's stop holds
        at_wall(after, kMinute - 5000);
        CHECK(after.state(id) == InstanceState::kOnline);
        at_wall(after, kMinute);
        CHECK(after.state(id) == InstanceState::kStopping);
        CHECK(after.table.find(id)->pending_reason.kind == "cron");
        CHECK(after.state(job) == InstanceState::kStopped);
    }
    SUBCASE("adopted after it: the next daemon fires at once") {
        Fixture after;
        after.clock.now = before.clock.now + 45000;  // no daemon ran at 22:14:00
        after.table.adopt(
            table_state_from_json(json::parse(text), [](const std::string&) { return -1; }));
        CHECK(after.table.next_deadline() == after.clock.now);
        after.table.tick();
        CHECK(after.state(id) == InstanceState::kStopping);
        CHECK(after.table.info(id, false).next_run_at == kMinute + 60000);
    }
}

TEST_CASE("cron: a new spec with another schedule takes effect at once") {
    Fixture f;
    int id = f.table.start(every_minute("api")).front();
    AppSpec hourly = every_minute("api");
    hourly.schedule.cron = "@hourly";
    f.table.replace_spec(hourly);
    CHECK(f.table.info(id, false).next_run_at == 1700002800000);  // 23:00:00
    AppSpec none = app("api");
    f.table.replace_spec(none);
    CHECK(f.table.info(id, false).next_run_at == 0);
    CHECK_FALSE(f.table.next_deadline());
}
