// Line cutting for the log sink: whole lines out, partial lines carried over,
// overlong lines split with a marker, the same bytes in both modes.
#include "daemon/logs/line_cutter.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using tend::CutMode;
using tend::LineConsumer;
using tend::LineCutter;

namespace {

// Records both kinds of output, and the bytes a log file would receive.
struct Recorder final : LineConsumer {
    std::vector<std::string> lines;  // line mode, split pieces with the marker
    std::string stored;              // what the file gets, in either mode
    int bulk_calls = 0;

    void on_lines(std::string_view head, std::string_view tail) override {
        ++bulk_calls;
        stored.append(head).append(tail);
    }
    void on_line(std::string_view line, bool split) override {
        lines.emplace_back(line);
        if (split) lines.back().append(LineCutter::kSplitMarker);
        stored.append(line).append(split ? LineCutter::kSplitEnding : "\n");
    }
};

Recorder cut(const std::vector<std::string>& chunks, CutMode mode, std::size_t max_line,
             bool finish = false) {
    LineCutter cutter(max_line);
    Recorder out;
    for (const auto& chunk : chunks) cutter.feed(chunk, mode, out);
    if (finish) cutter.finish(mode, out);
    return out;
}

// Feeds chunks as PipeReader does without a copy: each read lands after a
// copy of the partial line, and the whole lines are stored from there.
Recorder cut_joined(const std::vector<std::string>& chunks, std::size_t max_line) {
    LineCutter cutter(max_line);
    Recorder out;
    for (const auto& chunk : chunks) {
        std::string joined = std::string(cutter.partial()) + chunk;
        out.stored.append(joined, 0, cutter.feed_joined(joined, out));
    }
    cutter.finish(CutMode::kBulk, out);
    return out;
}

}  // namespace

TEST_CASE("line cutter: complete lines come out one by one in line mode") {
    auto out = cut({"alpha\nbeta\n"}, CutMode::kLines, 100);
    CHECK(out.lines == std::vector<std::string>{"alpha", "beta"});
    CHECK(out.stored == "alpha\nbeta\n");
}

TEST_CASE("line cutter: a partial line is carried over until its newline arrives") {
    LineCutter cutter(100);
    Recorder out;
    cutter.feed("hel", CutMode::kLines, out);
    CHECK(out.lines.empty());
    CHECK(cutter.partial() == "hel");
    cutter.feed("lo\nwor", CutMode::kLines, out);
    CHECK(out.lines == std::vector<std::string>{"hello"});
    CHECK(cutter.partial() == "wor");
    cutter.feed("ld\n", CutMode::kLines, out);
    CHECK(out.lines == std::vector<std::string>{"hello", "world"});
    CHECK(cutter.partial().empty());
}

TEST_CASE("line cutter: bulk mode hands out partial plus the chunk up to its last newline") {
    LineCutter cutter(100);
    Recorder out;
    cutter.feed("one\ntw", CutMode::kBulk, out);
    CHECK(out.stored == "one\n");
    CHECK(cutter.partial() == "tw");
    cutter.feed("o\nthree\nfo", CutMode::kBulk, out);
    CHECK(out.stored == "one\ntwo\nthree\n");
    CHECK(out.bulk_calls == 2);
    CHECK(cutter.partial() == "fo");
}

TEST_CASE("line cutter: joined bulk mode leaves whole lines in the caller's buffer") {
    LineCutter cutter(100);
    Recorder out;
    CHECK(cutter.feed_joined("one\ntw", out) == 4);  // "one\n"
    CHECK(cutter.partial() == "tw");
    CHECK(cutter.feed_joined("two\nthree\nfo", out) == 10);  // "two\nthree\n"
    CHECK(cutter.partial() == "fo");
    CHECK(cutter.feed_joined("four", out) == 0);  // no newline: kept whole
    CHECK(cutter.partial() == "four");
    CHECK(out.stored.empty());
    CHECK(out.bulk_calls == 0);
}

TEST_CASE("line cutter: joined bulk mode hands a possibly overlong line to the consumer") {
    LineCutter cutter(10);
    Recorder out;
    CHECK(cutter.feed_joined("0123456789ABC\nok\nx", out) == 0);
    CHECK(out.stored == "0123456789 [tend: line split]\nABC\nok\n");
    CHECK(cutter.partial() == "x");
}

TEST_CASE("line cutter: many lines in one chunk go out in one bulk call") {
    std::string chunk;
    for (int i = 0; i < 1000; ++i) chunk += "line " + std::to_string(i) + "\n";
    auto bulk = cut({chunk}, CutMode::kBulk, 1 << 20);
    CHECK(bulk.bulk_calls == 1);
    CHECK(bulk.stored == chunk);
    auto lines = cut({chunk}, CutMode::kLines, 1 << 20);
    REQUIRE(lines.lines.size() == 1000);
    CHECK(lines.lines.front() == "line 0");
    CHECK(lines.lines.back() == "line 999");
}

TEST_CASE("line cutter: a line over the limit is split into marked pieces") {
    auto out = cut({"0123456789ABCDEFGHIJKLMNOPQRSTUVWXY\nok\n"}, CutMode::kLines, 10);
    CHECK(out.lines == std::vector<std::string>{"0123456789 [tend: line split]",
                                                "ABCDEFGHIJ [tend: line split]",
                                                "KLMNOPQRST [tend: line split]", "UVWXY", "ok"});
}

TEST_CASE("line cutter: a partial line over the limit is split before its end arrives") {
    LineCutter cutter(10);
    Recorder out;
    cutter.feed("0123456", CutMode::kBulk, out);
    cutter.feed("789ABCDE", CutMode::kBulk, out);
    CHECK(out.stored == "0123456789 [tend: line split]\n");
    CHECK(cutter.partial() == "ABCDE");
    cutter.feed("\n", CutMode::kBulk, out);
    CHECK(out.stored == "0123456789 [tend: line split]\nABCDE\n");
}

TEST_CASE("line cutter: a line of exactly the limit is not split") {
    auto out = cut({"01234", "56789", "\n"}, CutMode::kLines, 10);
    CHECK(out.lines == std::vector<std::string>{"0123456789"});
    auto bulk = cut({"0123456789\n"}, CutMode::kBulk, 10);
    CHECK(bulk.stored == "0123456789\n");
}

TEST_CASE("line cutter: CRLF line endings are kept as they are") {
    auto out = cut({"a\r\nb\r", "\n"}, CutMode::kLines, 100);
    CHECK(out.lines == std::vector<std::string>{"a\r", "b\r"});
    auto bulk = cut({"a\r\nb\r", "\n"}, CutMode::kBulk, 100);
    CHECK(bulk.stored == "a\r\nb\r\n");
}

TEST_CASE("line cutter: empty lines are lines") {
    auto out = cut({"\n\nx\n"}, CutMode::kLines, 100);
    CHECK(out.lines == std::vector<std::string>{"", "", "x"});
}

TEST_CASE("line cutter: finish writes the partial last line with a newline") {
    auto lines = cut({"a\nb"}, CutMode::kLines, 100, true);
    CHECK(lines.lines == std::vector<std::string>{"a", "b"});
    auto bulk = cut({"a\nb"}, CutMode::kBulk, 100, true);
    CHECK(bulk.stored == "a\nb\n");
    auto nothing = cut({"a\n"}, CutMode::kBulk, 100, true);
    CHECK(nothing.stored == "a\n");
}

TEST_CASE("line cutter: any chunking in any mode stores the same bytes") {
    std::mt19937 rng(42);
    std::string stream;
    for (int i = 0; i < 2000; ++i) {
        // Mostly short lines, some empty, some far over the limit of 64.
        std::size_t len = rng() % 10 == 0 ? rng() % 300 : rng() % 40;
        for (std::size_t j = 0; j < len; ++j) stream += static_cast<char>('a' + rng() % 26);
        stream += rng() % 20 == 0 ? "\r\n" : "\n";
    }
    stream += "tail without newline";
    auto reference = cut({stream}, CutMode::kLines, 64, true);
    for (int round = 0; round < 20; ++round) {
        std::vector<std::string> chunks;
        for (std::size_t pos = 0; pos < stream.size();) {
            std::size_t len = 1 + rng() % (round % 2 == 0 ? 16 : 700);
            chunks.push_back(stream.substr(pos, len));
            pos += len;
        }
        auto mode = round % 4 < 2 ? CutMode::kBulk : CutMode::kLines;
        auto out = cut(chunks, mode, 64, true);
        REQUIRE(out.stored == reference.stored);
        REQUIRE(cut_joined(chunks, 64).stored == reference.stored);
    }
    // Every stored line is at most the limit plus the marker.
    std::size_t longest = 0;
    for (const auto& line : reference.lines) longest = std::max(longest, line.size());
    CHECK(longest == 64 + LineCutter::kSplitMarker.size());
}
