// The loop lag gauge's window: the worst lag of the current window and the
// one before, so a stall stays visible for at least one whole window.
#include <doctest/doctest.h>

#include "daemon/metrics/loop_lag.h"

using namespace tend;

TEST_CASE("loop lag: the worst of this window and the last then forgotten") {
    LagWindow w(100);
    std::uint64_t t = 1000;
    w.record(5, t);
    w.record(40, t + 10);
    w.record(7, t + 20);
    CHECK(w.worst(t + 30) == 40);
    w.record(3, t + 110);  // a new window: the last one's worst still shows
    CHECK(w.worst(t + 150) == 40);
    w.record(2, t + 220);  // two windows on: gone
    CHECK(w.worst(t + 230) == 3);
}

TEST_CASE("loop lag: a stall longer than two windows is still shown after it") {
    LagWindow w(100);
    w.record(1, 1000);
    w.record(500, 1500);  // the timer could not run for 500: that lag is recorded
    CHECK(w.worst(1510) == 500);
    CHECK(w.worst(1650) == 500);  // the window after
}
