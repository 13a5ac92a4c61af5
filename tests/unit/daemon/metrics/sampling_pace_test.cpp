// The sampler's pace: each interval while watched, once an idle interval
// otherwise, and each interval for apps with a memory limit.
#include <doctest/doctest.h>

#include "daemon/metrics/sampling_pace.h"

using namespace tend;

TEST_CASE("sampling pace: watched, every instance each interval") {
    SamplingPace pace{1000, 30'000};
    CHECK(full_round(pace, true, 0));
    CHECK(full_round(pace, true, 1000));
    CHECK(next_round_in(pace, true, false, 0) == 1000);
    CHECK(next_round_in(pace, true, true, 0) == 1000);
}

TEST_CASE("sampling pace: nobody watching, every instance once an idle interval") {
    SamplingPace pace{1000, 30'000};
    CHECK_FALSE(full_round(pace, false, 1000));
    CHECK_FALSE(full_round(pace, false, 29'999));
    CHECK(full_round(pace, false, 30'000));
    CHECK(next_round_in(pace, false, false, 0) == 30'000);
    CHECK(next_round_in(pace, false, false, 12'000) == 18'000);
    CHECK(next_round_in(pace, false, false, 45'000) == 0);  // overdue: at once
}

TEST_CASE("sampling pace: a memory limit keeps the interval, and the full round its time") {
    SamplingPace pace{1000, 30'000};
    CHECK(next_round_in(pace, false, true, 0) == 1000);
    CHECK(next_round_in(pace, false, true, 29'500) == 500);
    CHECK_FALSE(full_round(pace, false, 29'000));
    CHECK(full_round(pace, false, 30'000));
}
