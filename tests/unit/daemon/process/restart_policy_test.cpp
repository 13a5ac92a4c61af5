// The restart rules of DESIGN.md, one by one.
#include <doctest/doctest.h>

#include "daemon/process/restart_policy.h"

using namespace tend;

TEST_CASE("a crash after a stable run restarts at once and clears the unstable count") {
    RestartPolicy p;
    auto d = decide_restart(p, RestartHistory{5, 0}, ExitFacts{5000, 1});
    CHECK(d.action == ExitAction::kRestart);
    CHECK(d.delay_ms == 0);
    CHECK(d.next.unstable_restarts == 0);
}

TEST_CASE("an exit within min_uptime counts as unstable") {
    RestartPolicy p;
    auto d = decide_restart(p, RestartHistory{2, 0}, ExitFacts{999, 1});
    CHECK(d.action == ExitAction::kRestart);
    CHECK(d.next.unstable_restarts == 3);
}

TEST_CASE("after max_restarts unstable restarts in a row the instance is errored") {
    RestartPolicy p;
    p.max_restarts = 3;
    CHECK(decide_restart(p, RestartHistory{2, 0}, ExitFacts{10, 1}).action == ExitAction::kRestart);
    CHECK(decide_restart(p, RestartHistory{3, 0}, ExitFacts{10, 1}).action == ExitAction::kErrored);
    // A stable run in between resets the count, so no error.
    CHECK(decide_restart(p, RestartHistory{3, 0}, ExitFacts{2000, 1}).action ==
          ExitAction::kRestart);
}

TEST_CASE("max_restarts 0 makes the first unstable exit final") {
    RestartPolicy p;
    p.max_restarts = 0;
    CHECK(decide_restart(p, RestartHistory{}, ExitFacts{10, 1}).action == ExitAction::kErrored);
}

TEST_CASE("stop_exit_codes end the instance as stopped, signals do not") {
    RestartPolicy p;
    p.stop_exit_codes = {0, 3};
    CHECK(decide_restart(p, {}, ExitFacts{5000, 3}).action == ExitAction::kStop);
    CHECK(decide_restart(p, {}, ExitFacts{5000, 0}).action == ExitAction::kStop);
    CHECK(decide_restart(p, {}, ExitFacts{5000, 2}).action == ExitAction::kRestart);
    CHECK(decide_restart(p, {}, ExitFacts{5000, std::nullopt}).action == ExitAction::kRestart);
}

TEST_CASE("autorestart off makes any exit final") {
    RestartPolicy p;
    p.autorestart = false;
    CHECK(decide_restart(p, {}, ExitFacts{5000, 1}).action == ExitAction::kStop);
}

TEST_CASE("restart_delay is used as a fixed delay") {
    RestartPolicy p;
    p.restart_delay_ms = 250;
    CHECK(decide_restart(p, {}, ExitFacts{5000, 1}).delay_ms == 250);
    CHECK(decide_restart(p, RestartHistory{0, 250}, ExitFacts{5000, 1}).delay_ms == 250);
}

TEST_CASE("exp backoff doubles up to 15 s and resets after 30 s of uptime") {
    RestartPolicy p;
    p.exp_backoff_restart_delay_ms = 100;
    p.max_restarts = 1000;
    RestartHistory h;
    std::vector<std::int64_t> delays;
    for (int i = 0; i < 10; ++i) {
        auto d = decide_restart(p, h, ExitFacts{2000, 1});
        delays.push_back(d.delay_ms);
        h = d.next;
    }
    CHECK(delays ==
          std::vector<std::int64_t>{100, 200, 400, 800, 1600, 3200, 6400, 12800, 15000, 15000});
    auto reset = decide_restart(p, h, ExitFacts{30000, 1});
    CHECK(reset.delay_ms == 100);
    CHECK(reset.next.backoff_ms == 100);
}
