// Starting apps and what tend does when they die: instance indexes and
// environment, restart after a kill, crash loops ending in errored, and the
// exits that are final (stop_exit_codes, --no-autorestart).
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "harness.h"

using namespace tend::it;

namespace {

bool instance_online(const json& inst) {
    return inst.value("status", "") == "online" && inst.value("pid", 0) > 0;
}

// Stopped after a run: a never-spawned instance has no exit code or signal.
bool exited_and_stopped(const json& insts) {
    const json& inst = insts[0];
    bool exited = inst.value("exit_code", json()).is_number() ||
                  inst.value("exit_signal", json()).is_string();
    return inst.value("status", "") == "stopped" && exited;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("start -i 4 runs four online instances with indexes 0..3 and distinct ids and pids") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "4"}, {"sleep"}));
    json insts = t.wait_for("w", all_online(4), "4 instances of w online");

    std::set<int> ids, pids;
    for (std::size_t k = 0; k < insts.size(); ++k) {
        CHECK(insts[k]["instance"] == k);
        CHECK(insts[k]["mode"] == "fork");  // not Node: independent processes, as PM2
        CHECK(insts[k]["restarts"] == 0);
        ids.insert(insts[k]["id"].get<int>());
        pids.insert(insts[k]["pid"].get<int>());
    }
    CHECK(ids.size() == 4);
    CHECK(pids.size() == 4);
    for (int pid : pids) CHECK(process_alive(pid));
}

TEST_CASE("each instance's environment names its id, index, app, home and --env pairs") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "4", "--env", "GREETING=hello"}, {"env", "GREETING"}));
    json insts = t.wait_for("w", all_online(4), "4 instances of w online");

    for (const auto& inst : insts) {
        std::string index = std::to_string(inst["instance"].get<int>());
        std::vector<std::string> expected{
            "TEND_ID=" + std::to_string(inst["id"].get<int>()),
            "TEND_INSTANCE=" + index,
            "NODE_APP_INSTANCE=" + index,
            "TEND_APP_NAME=w",
            "TEND_HOME=" + t.home(),
            "GREETING=hello",
        };
        std::string log = inst["out_log"];
        auto has_all = [&] {
            auto lines = whole_lines(log);
            return std::all_of(expected.begin(), expected.end(),
                               [&](const std::string& e) { return has_line(lines, e); });
        };
        t.wait_until(has_all, "instance " + index + "'s env dump in " + log);
    }
}

TEST_CASE("kill -9 of one instance: tend restarts it with a new pid, the others untouched") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "3"}, {"sleep"}));
    json before = t.wait_for("w", all_online(3), "3 instances of w online");
    int victim = before[1]["pid"];

    REQUIRE(::kill(victim, SIGKILL) == 0);
    json after = t.wait_for(
        "w",
        [victim](const json& insts) {
            return insts.size() == 3 && instance_online(insts[1]) &&
                   insts[1].value("pid", 0) != victim;
        },
        "instance 1 of w online again with a new pid");

    CHECK(after[1]["id"] == before[1]["id"]);
    CHECK(after[1]["restarts"] == 1);
    CHECK(after[1]["exit_signal"] == "SIGKILL");
    CHECK_FALSE(process_alive(victim));
    for (int k : {0, 2}) {
        CHECK(after[k]["pid"] == before[k]["pid"]);
        CHECK(after[k]["restarts"] == 0);
        CHECK(after[k]["status"] == "online");
    }
}

TEST_CASE("a crash loop ends in errored after --max-restarts, and restart starts it fresh") {
    TendHome t;
    t.run_ok(start_fixture("c", {"--max-restarts", "3"}, {"exit", "1"}));
    json errored = t.wait_for(
        "c", [](const json& insts) { return insts[0].value("status", "") == "errored"; },
        "c to reach errored after its crash loop");
    CHECK(errored[0]["restarts"] == 3);
    CHECK(errored[0]["exit_code"] == 1);
    CHECK(errored[0]["pid"] == 0);

    t.run_ok({"restart", "c"});
    json again = t.wait_for(
        "c",
        [](const json& insts) {
            return insts[0].value("restarts", 0) > 3 && insts[0].value("status", "") == "errored";
        },
        "c restarted by the user and errored again");
    // One restart asked for, then three automatic ones: a fresh series.
    CHECK(again[0]["restarts"] == 7);
}

TEST_CASE("an exit code in --stop-exit-codes is final: stopped, no restart, describe shows it") {
    TendHome t;
    t.run_ok(start_fixture("s", {"--stop-exit-codes", "3"}, {"exit", "3", "100"}));
    json insts = t.wait_for("s", exited_and_stopped, "s stopped after exiting with 3");
    CHECK(insts[0]["exit_code"] == 3);
    CHECK(insts[0]["restarts"] == 0);
    CHECK(insts[0]["pid"] == 0);

    Result describe = t.run_ok({"describe", "s"});
    INFO("describe:\n" << describe.out);
    CHECK(has_labeled_value(describe.out, {"exit"}, "3", {"stop", "signal"}));
}

TEST_CASE("--no-autorestart: an app that exits 1 is stopped, not restarted") {
    TendHome t;
    t.run_ok(start_fixture("once", {"--no-autorestart"}, {"exit", "1"}));
    json insts = t.wait_for("once", exited_and_stopped, "once stopped after exiting with 1");
    CHECK(insts[0]["exit_code"] == 1);
    CHECK(insts[0]["restarts"] == 0);
}

TEST_CASE("an app that aborts is reported with exit_signal SIGABRT") {
    TendHome t;
    t.run_ok(start_fixture("boom", {"--no-autorestart"}, {"crash"}));
    json insts = t.wait_for("boom", exited_and_stopped, "boom stopped after aborting");
    CHECK(insts[0]["exit_signal"] == "SIGABRT");
    CHECK(insts[0]["restarts"] == 0);
}
