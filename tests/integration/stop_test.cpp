// `tend stop`: the stop signal goes to the app's whole process group, and an
// app that ignores it is SIGKILLed after --kill-timeout.
#include <doctest/doctest.h>

#include <chrono>

#include "harness.h"

using namespace tend::it;

namespace {

bool is_online(const json& insts) {
    return insts[0].value("status", "") == "online" && insts[0].value("pid", 0) > 0;
}

bool is_stopped(const json& insts) {
    return insts[0].value("status", "") == "stopped";
}

// The pid in a "<word> <pid>" line the fixture printed.
int pid_in(const std::string& line) {
    return std::stoi(line.substr(line.find(' ') + 1));
}

}  // namespace

TEST_CASE("stop kills the app's whole process tree: its forked child is gone too") {
    TendHome t;
    t.run_ok(start_fixture("tree", {}, {"fork-child"}));
    json insts = t.wait_for("tree", is_online, "tree online");
    int child = pid_in(
        t.wait_for_line(insts[0]["out_log"].get<std::string>(), "child ", "tree's child pid"));
    t.remember_pid(child);
    REQUIRE(process_alive(child));

    t.run_ok({"stop", "tree"});
    json stopped = t.wait_for("tree", is_stopped, "tree stopped");
    CHECK(stopped[0]["pid"] == 0);
    CHECK_FALSE(process_alive(insts[0]["pid"].get<int>()));
    t.wait_until([child] { return !process_alive(child); },
                 "tree's child " + std::to_string(child) + " to be gone after stop", 5s);
}

TEST_CASE("stop sends SIGINT by default and --kill-signal when given") {
    TendHome t;
    t.run_ok(start_fixture("soft", {}, {"sleep"}));
    t.run_ok(start_fixture("term", {"--kill-signal", "SIGTERM"}, {"sleep"}));
    for (const char* name : {"soft", "term"}) {
        json insts = t.wait_for(name, is_online, std::string(name) + " online");
        t.wait_for_line(insts[0]["out_log"].get<std::string>(), "ready ",
                        std::string(name) + " ready");
    }

    t.run_ok({"stop", "all"});
    CHECK(t.wait_for("soft", is_stopped, "soft stopped")[0]["exit_signal"] == "SIGINT");
    CHECK(t.wait_for("term", is_stopped, "term stopped")[0]["exit_signal"] == "SIGTERM");
}

TEST_CASE("an app that ignores SIGINT and SIGTERM is SIGKILLed after --kill-timeout") {
    TendHome t;
    t.run_ok(start_fixture("stubborn", {"--kill-timeout", "300"}, {"ignore-term"}));
    json insts = t.wait_for("stubborn", is_online, "stubborn online");
    int pid = insts[0]["pid"];
    // "ready" comes after the signals are ignored, so the stop cannot win a race.
    t.wait_for_line(insts[0]["out_log"].get<std::string>(), "ready ",
                    "stubborn ignoring its stop signals");

    auto asked = std::chrono::steady_clock::now();
    t.run_ok({"stop", "stubborn"});
    json stopped = t.wait_for("stubborn", is_stopped, "stubborn stopped by SIGKILL");
    auto took = std::chrono::steady_clock::now() - asked;

    CHECK(stopped[0]["exit_signal"] == "SIGKILL");
    CHECK(stopped[0]["restarts"] == 0);
    CHECK_FALSE(process_alive(pid));
    CHECK(took >= 250ms);  // it waited for the kill timeout before SIGKILL
}
