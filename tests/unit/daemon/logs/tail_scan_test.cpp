// The history scan: queued bytes, the live file, then archives newest first
// (plain and gzip), with --grep, --since, write-mark times and the budget.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <fstream>

#include "daemon/logs/line_grep.h"
#include "daemon/logs/tail_scan.h"
#include "daemon/logs/write_marks.h"
#include "tests/unit/daemon/logs/log_sink_support.h"

namespace tend {
namespace scantest {

std::vector<std::string> texts(const std::vector<TailLine>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l.text);
    return out;
}

std::string numbered(const std::string& prefix, int from, int to) {
    std::string text;
    for (int i = from; i <= to; ++i) text.append(prefix).append(std::to_string(i)).append("\n");
    return text;
}

}  // namespace scantest

using namespace scantest;

TEST_CASE("the scan reads the live file, then plain and gzip archives newest first") {
    logtest::TempDir dir;
    std::string live = dir.file("api-out-0.log");
    ::tend::logtest::write_text_file(live, numbered("live", 1, 3));
    ::tend::logtest::write_text_file(dir.file("api-out-0__2026-01-02_00-00-00.log"),
                                     numbered("newer", 1, 3));
    ::tend::logtest::write_gzip_file(dir.file("api-out-0__2026-01-01_00-00-00.log.gz"),
                                     numbered("older", 1, 3));
    ::tend::logtest::set_mtime(dir.file("api-out-0__2026-01-02_00-00-00.log"), 2000);
    ::tend::logtest::set_mtime(dir.file("api-out-0__2026-01-01_00-00-00.log.gz"), 1000);
    TailQuery query;
    std::size_t budget = 1 << 20;
    query.lines = 5;
    CHECK(texts(scan_tail(live, {}, query, budget)) ==
          std::vector<std::string>{"newer2", "newer3", "live1", "live2", "live3"});
    query.lines = 8;
    auto all = texts(scan_tail(live, {}, query, budget));
    CHECK(all == std::vector<std::string>{"older2", "older3", "newer1", "newer2", "newer3", "live1",
                                          "live2", "live3"});
    query.archives = false;
    CHECK(scan_tail(live, {}, query, budget).size() == 3);
}

TEST_CASE("the scan stops when its budget is spent, across files") {
    logtest::TempDir dir;
    std::string live = dir.file("w-out-0.log");
    ::tend::logtest::write_text_file(live, numbered("line", 1, 1000));  // 8-9 bytes a line
    ::tend::logtest::write_text_file(dir.file("w-out-0__a.log"), numbered("archived", 1, 1000));
    TailQuery query;
    query.lines = 5000;
    std::size_t budget = 100;
    auto lines = scan_tail(live, {}, query, budget);
    CHECK(budget == 0);
    CHECK(lines.size() < 20);
    CHECK(lines.back().text == "line1000");
}

TEST_CASE("--grep keeps scanning back until enough lines match") {
    logtest::TempDir dir;
    std::string live = dir.file("g-out-0.log");
    ::tend::logtest::write_text_file(
        live, "match 1\n" + numbered("noise", 1, 5000) + "match 2\n" + numbered("x", 1, 9));
    LineGrep grep("^match");
    TailQuery query;
    query.lines = 5;
    query.grep = &grep;
    std::size_t budget = 1 << 20;
    CHECK(texts(scan_tail(live, {}, query, budget)) ==
          std::vector<std::string>{"match 1", "match 2"});
}

TEST_CASE("queued lines get their write marks' times and follow the file's lines") {
    logtest::TempDir dir;
    std::string live = dir.file("q-out-0.log");
    ::tend::logtest::write_text_file(live, "before open\nwritten a\n");
    // This daemon opened the file at 100 with "before open\n" (12 bytes)
    // in it; "written a\n" was logical 0..10; then two queued lines.
    // Times in ms: marks further apart than WriteMarks::kJoinNs.
    constexpr std::uint64_t ms = 1'000'000;
    WriteMarks marks(100 * ms);
    marks.record(0, 10, 200 * ms);
    LiveLog state;
    state.pending = "queued b\nqueued c\n";
    state.marks = &marks;
    state.logical_end = 10 + state.pending.size();
    marks.record(10, 19, 300 * ms);
    marks.record(19, state.logical_end, 400 * ms);
    TailQuery query;
    query.lines = 10;
    std::size_t budget = 1 << 20;
    auto lines = scan_tail(live, state, query, budget);
    REQUIRE(lines.size() == 4);
    CHECK(texts(lines) ==
          std::vector<std::string>{"before open", "written a", "queued b", "queued c"});
    CHECK(lines[0].time_ns == std::nullopt);
    CHECK(lines[1].time_ns == 200 * ms);
    CHECK(lines[2].time_ns == 300 * ms);
    CHECK(lines[3].time_ns == 400 * ms);

    SUBCASE("--since leaves out older lines, and those from before the open when it is later") {
        query.since_ns = 250 * ms;
        CHECK(texts(scan_tail(live, state, query, budget)) ==
              std::vector<std::string>{"queued b", "queued c"});
        query.since_ns = 50 * ms;  // before the open: the unmarked line may be newer
        CHECK(scan_tail(live, state, query, budget).size() == 4);
    }
}

TEST_CASE("--since leaves out an archive whose mtime is older") {
    logtest::TempDir dir;
    std::string live = dir.file("s-out-0.log");
    ::tend::logtest::write_text_file(live, "live\n");
    ::tend::logtest::write_text_file(dir.file("s-out-0__old.log"), "archived\n");
    ::tend::logtest::set_mtime(dir.file("s-out-0__old.log"), 1000);
    ::tend::logtest::set_mtime(live, 5000);
    TailQuery query;
    query.lines = 10;
    std::size_t budget = 1 << 20;
    query.since_ns = std::int64_t{2000} * 1'000'000'000;  // wall_to_hr_ns = 0
    CHECK(texts(scan_tail(live, {}, query, budget)) == std::vector<std::string>{"live"});
    query.since_ns = std::int64_t{6000} * 1'000'000'000;
    CHECK(scan_tail(live, {}, query, budget).empty());
    query.since_ns = std::int64_t{500} * 1'000'000'000;
    CHECK(scan_tail(live, {}, query, budget).size() == 2);
}

TEST_CASE("a line longer than a block, and a file without a final newline, read whole") {
    logtest::TempDir dir;
    std::string live = dir.file("l-out-0.log");
    std::string long_line(300'000, 'y');
    ::tend::logtest::write_text_file(live, "first\n" + long_line + "\nlast without newline");
    TailQuery query;
    query.lines = 3;
    std::size_t budget = 1 << 20;
    CHECK(texts(scan_tail(live, {}, query, budget)) ==
          std::vector<std::string>{"first", long_line, "last without newline"});
}

}  // namespace tend

namespace tend {

TEST_CASE("a gzip archive that decompresses past the budget is not read") {
    logtest::TempDir dir;
    std::string live = dir.file("z-out-0.log");
    logtest::write_text_file(live, "live\n");
    std::string big(4 << 20, 'z');  // 4 MiB of one byte: a few KiB compressed
    big.back() = '\n';
    logtest::write_gzip_file(dir.file("z-out-0__a.log.gz"), "first\n" + big);
    TailQuery query;
    query.lines = 10;
    std::size_t budget = 1 << 20;  // under what the archive decompresses to
    CHECK(scantest::texts(scan_tail(live, {}, query, budget)) == std::vector<std::string>{"live"});
    budget = 8 << 20;
    CHECK(scan_tail(live, {}, query, budget).size() == 3);
}

}  // namespace tend
