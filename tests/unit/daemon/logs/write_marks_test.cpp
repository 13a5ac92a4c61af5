// Write marks: a batch's time for any byte in it, nothing before the first
// mark, joining close batches, and coarsening that keeps memory bounded.
#include <doctest/doctest.h>

#include "daemon/logs/write_marks.h"

namespace tend {

TEST_CASE("write marks give each byte its batch's time, and none before the first batch") {
    WriteMarks marks(5);
    marks.record(100, 110, 1'000'000);
    marks.record(110, 130, 2'000'000);
    CHECK(marks.time_at(99) == std::nullopt);  // written before the file was opened
    CHECK(marks.time_at(100) == 1'000'000u);
    CHECK(marks.time_at(109) == 1'000'000u);
    CHECK(marks.time_at(110) == 2'000'000u);
    CHECK(marks.time_at(129) == 2'000'000u);
    CHECK(marks.time_at(130) == std::nullopt);
    CHECK(marks.opened_ns() == 5);
}

TEST_CASE("write marks join back-to-back batches captured within kJoinNs") {
    WriteMarks marks;
    marks.record(0, 10, 1'000'000);
    marks.record(10, 20, 1'000'000 + WriteMarks::kJoinNs - 1);
    CHECK(marks.size() == 1);
    CHECK(marks.time_at(15) == 1'000'000u);
    marks.record(20, 30, 1'000'000 + 2 * WriteMarks::kJoinNs);
    CHECK(marks.size() == 2);
}

TEST_CASE("a full ring of write marks merges its older half, keeping the newest marks exact") {
    WriteMarks marks;
    const std::uint64_t gap = 10 * WriteMarks::kJoinNs;
    const std::uint64_t batches = 100'000;
    for (std::uint64_t i = 0; i < batches; ++i) marks.record(i * 10, i * 10 + 10, (i + 1) * gap);
    CHECK(marks.size() <= WriteMarks::kCapacity);
    // The newest batches keep their own times; every byte is still covered,
    // and times never go backwards.
    CHECK(marks.time_at((batches - 1) * 10) == batches * gap);
    CHECK(marks.time_at((batches - 2) * 10 + 5) == (batches - 1) * gap);
    CHECK(marks.time_at(0) == gap);
    std::uint64_t last = 0;
    for (std::uint64_t pos = 0; pos < batches * 10; pos += 997) {
        auto t = marks.time_at(pos);
        REQUIRE(t.has_value());
        CHECK(*t >= last);
        CHECK(*t <= (pos / 10 + 1) * gap);  // never later than the byte's own batch
        last = *t;
    }
}

TEST_CASE("a new file drops the old file's marks") {
    WriteMarks marks(1);
    marks.record(0, 10, 100);
    marks.on_new_file(500);
    CHECK(marks.time_at(5) == std::nullopt);
    CHECK(marks.opened_ns() == 500);
    marks.record(10, 20, 600);
    CHECK(marks.time_at(10) == 600u);
    CHECK(marks.time_at(9) == std::nullopt);
}

}  // namespace tend
