// App output: `tend logs` filters and formats, heavy writers lose and tear
// nothing (per-instance and merged files), a partial last line is kept, and
// a running `tend logs` follows new lines live.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "harness.h"

using namespace tend::it;

namespace {

constexpr long kManyLines = 200000;
const std::string kPadding(32, 'x');  // the fixture's default --width

std::string fixture_line(int instance, long seq, const std::string& padding) {
    return std::to_string(instance) + " " + std::to_string(seq) + " " + padding;
}

std::string prefixed(const json& inst, const std::string& line) {
    return std::to_string(inst["id"].get<int>()) + "|" + inst["name"].get<std::string>() + "| " +
           line;
}

// stdout of `tend logs`, blank lines dropped.
std::vector<std::string> printed(const Result& r) {
    auto lines = split_lines(r.out);
    lines.erase(std::remove(lines.begin(), lines.end(), ""), lines.end());
    return lines;
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::size_t newline_count(const std::string& path) {
    std::string text = read_file(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Checks that every line is "<instance> <seq> <padding>" and that each
// instance's sequence runs 0, 1, 2... Returns the first problem, or "".
std::string check_sequences(const std::vector<std::string>& lines, std::map<int, long>& next_seq) {
    for (std::size_t n = 0; n < lines.size(); ++n) {
        int instance = -1;
        long seq = -1;
        int used = 0;
        const std::string& line = lines[n];
        bool parsed =
            std::sscanf(line.c_str(), "%d %ld %n", &instance, &seq, &used) == 2 &&
            line.compare(static_cast<std::size_t>(used), std::string::npos, kPadding) == 0;
        if (!parsed || instance < 0)
            return "line " + std::to_string(n + 1) + " is torn or garbled: '" + line + "'";
        long& next = next_seq[instance];
        if (seq != next)
            return "line " + std::to_string(n + 1) + ": instance " + std::to_string(instance) +
                   " seq " + std::to_string(seq) + ", expected " + std::to_string(next);
        ++next;
    }
    return "";
}

}  // namespace

TEST_CASE("logs --instance, --raw, --lines and --err select and format the history") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "3"}, {"lines", "5", "--width", "8"}));
    t.run_ok(start_fixture("e", {"-i", "3"}, {"lines", "5", "--width", "8", "--err"}));
    json w = t.wait_for("w", all_online(3), "w online");
    json e = t.wait_for("e", all_online(3), "e online");
    for (int k = 0; k < 3; ++k) {
        std::string out = w[k]["out_log"], err = e[k]["err_log"];
        t.wait_until([&] { return newline_count(out) == 5; }, "5 lines in " + out);
        t.wait_until([&] { return newline_count(err) == 5; }, "5 lines in " + err);
    }
    const std::string pad(8, 'x');
    std::vector<std::string> w1, w1_raw, e1, last_two;
    for (long seq = 0; seq < 5; ++seq) {
        w1_raw.push_back(fixture_line(1, seq, pad));
        w1.push_back(prefixed(w[1], w1_raw.back()));
        e1.push_back(prefixed(e[1], fixture_line(1, seq, pad)));
    }
    for (int k = 0; k < 3; ++k)
        for (long seq : {3, 4}) last_two.push_back(fixture_line(k, seq, pad));

    CHECK(printed(t.run_ok({"logs", "w", "--instance", "1", "--nostream"})) == w1);
    CHECK(printed(t.run_ok({"logs", "w", "--instance", "1", "--nostream", "--raw"})) == w1_raw);
    CHECK(sorted(printed(t.run_ok({"logs", "w", "--lines", "2", "--nostream", "--raw"}))) ==
          sorted(last_two));
    CHECK(printed(t.run_ok({"logs", "--instance", "1", "--err", "--nostream"})) == e1);
    CHECK(printed(t.run_ok({"logs", "--instance", "1", "--out", "--nostream"})) == w1);
}

TEST_CASE("200,000 lines from each of 2 instances reach their files complete and in order") {
    TendHome t;
    t.run_ok(start_fixture("loud", {"-i", "2", "--no-autorestart"},
                           {"lines", std::to_string(kManyLines), "--then-exit"}));
    json insts;
    auto done = [&] {
        insts = t.instances("loud");
        return insts.size() == 2 && all_status(insts, "completed") &&
               newline_count(insts[0]["out_log"]) >= kManyLines &&
               newline_count(insts[1]["out_log"]) >= kManyLines;
    };
    t.wait_until(done, "both instances of loud stopped with 200,000 lines logged each", 30s);

    CHECK(insts[0]["out_log"] != insts[1]["out_log"]);
    for (const auto& inst : insts) {
        auto lines = whole_lines(inst["out_log"]);
        std::map<int, long> next_seq;
        INFO("file " << inst["out_log"].get<std::string>());
        CHECK(check_sequences(lines, next_seq) == "");
        CHECK(lines.size() == kManyLines);
        CHECK(next_seq == std::map<int, long>{{inst["instance"].get<int>(), kManyLines}});
        CHECK(inst["exit_code"] == 0);
    }
}

TEST_CASE("--merge-logs: 400,000 lines from 2 instances share one file, whole and in order") {
    TendHome t;
    t.run_ok(start_fixture("loud",
                           {"-i", "2", "--no-autorestart", "--merge-logs", "--max-size", "0"},
                           {"lines", std::to_string(kManyLines), "--then-exit"}));
    json insts;
    auto done = [&] {
        insts = t.instances("loud");
        return insts.size() == 2 && all_status(insts, "completed") &&
               newline_count(insts[0]["out_log"]) >= 2 * kManyLines;
    };
    t.wait_until(done, "both instances of loud stopped with 400,000 lines merged", 30s);

    std::string path = insts[0]["out_log"];
    CHECK(insts[1]["out_log"] == path);
    CHECK(path.ends_with("loud-out.log"));
    auto lines = whole_lines(path);
    std::map<int, long> next_seq;
    CHECK(check_sequences(lines, next_seq) == "");
    CHECK(lines.size() == 2 * kManyLines);
    CHECK(next_seq == std::map<int, long>{{0, kManyLines}, {1, kManyLines}});
}

TEST_CASE("a last line without its newline is logged whole when the app exits") {
    TendHome t;
    t.run_ok(start_fixture("p", {"--no-autorestart"}, {"partial"}));
    json insts = t.wait_for(
        "p", [](const json& i) { return i[0].value("status", "") == "completed"; }, "p completed");
    std::string log = insts[0]["out_log"];
    t.wait_until([&] { return read_file(log) == "no newline at the end\n"; },
                 "the partial line, with a newline added, in " + log);
}

TEST_CASE("logs follows live: a running `tend logs w` prints the restarted app's new line") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    json before = t.wait_for("w", all_online(1), "w online");
    int old_pid = before[0]["pid"];
    std::string old_line = t.wait_for_line(before[0]["out_log"], "ready ", "w ready");

    auto follower = t.stream({"logs", "w"});
    std::vector<std::string> seen;
    // Once the history has printed, the follower's subscription is in place.
    bool history = follower->read_until(prefixed(before[0], old_line), 10s, seen);
    INFO("tend logs printed:\n"
         << [&] {
                std::string all;
                for (const auto& l : seen) all += l + "\n";
                return all;
            }());
    REQUIRE(history);

    t.run_ok({"restart", "w"});
    json after = t.wait_for(
        "w",
        [old_pid](const json& i) { return all_online(1)(i) && i[0].value("pid", 0) != old_pid; },
        "w online again with a new pid");
    std::string fresh = "ready " + std::to_string(after[0]["pid"].get<int>());
    CHECK(follower->read_until(prefixed(after[0], fresh), 10s, seen));
    follower->kill();
}
