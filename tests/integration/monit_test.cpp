// `tend monit` in a real terminal (tmux): the apps, their status and their
// log lines appear; r restarts the selected instance; s and d act on it;
// the layout follows a resize; q quits with exit 0; the daemon's going and
// coming back is shown; and without a terminal monit refuses to start.
#include <doctest/doctest.h>

#include <sstream>

#include "harness.h"
#include "tmux_pane.h"

using namespace tend::it;

namespace {

// The list row of instance id: "<id> <name> <inst> <status> <cpu> <mem> <restarts> ...".
std::optional<std::vector<std::string>> list_row(const std::vector<std::string>& screen, int id,
                                                 const std::string& name) {
    for (const auto& row : screen) {
        auto w = words(row);
        if (w.size() >= 8 && w[0] == std::to_string(id) && w[1] == name) return w;
    }
    return std::nullopt;
}

bool row_shows(const std::vector<std::string>& screen, int id, const std::string& name,
               const std::string& status, int restarts) {
    auto row = list_row(screen, id, name);
    return row && (*row)[3] == status && (*row)[6] == std::to_string(restarts);
}

bool any_row_starts(const std::vector<std::string>& screen, const std::string& prefix) {
    for (const auto& row : screen)
        if (row.rfind(prefix, 0) == 0) return true;
    return false;
}

bool fits(const std::vector<std::string>& screen, std::size_t cols) {
    for (const auto& row : screen)
        if (columns_of(row) > cols) return false;
    return true;
}

int id_of(const json& inst) {
    return inst["id"].get<int>();
}

// Two api instances saying "ready <pid>" and a logger of five lines.
json start_apps(TendHome& t) {
    t.run_ok(start_fixture("api", {"-i", "2"}, {"sleep"}));
    t.run_ok(start_fixture("logger", {}, {"lines", "5", "--width", "4"}));
    t.wait_for(
        "logger", [](const json& i) { return all_status(i, "online"); }, "logger online");
    return t.wait_for(
        "api", [](const json& i) { return i.size() == 2 && all_status(i, "online"); },
        "api online");
}

}  // namespace

TEST_CASE("monit shows the apps, their status and log lines, restarts on r and quits on q") {
    TendHome t;
    json api = start_apps(t);
    int first = id_of(api[0]);
    std::string ready = "ready " + std::to_string(api[0]["pid"].get<int>());
    TmuxPane pane(t, {TEND_BIN, "monit"}, 120, 40);

    // The first instance is selected: its own log line shows.
    auto screen = pane.wait_for_screen(
        [&](const auto& s) {
            return row_shows(s, first, "api", "online", 0) && list_row(s, first + 1, "api") &&
                   list_row(s, first + 2, "logger") && contains(screen_text(s), ready);
        },
        "both apps online and api's first line");
    CHECK(contains(screen_text(screen), "● live"));

    // Tab: every instance's lines, with their prefix.
    pane.send_keys({"Tab"});
    pane.wait_for_text(std::to_string(first + 2) + "|logger| 0 4 xxxx");

    pane.send_keys({"r"});
    t.wait_for(
        "api",
        [](const json& i) { return i[0].value("restarts", 0) == 1 && all_status(i, "online"); },
        "api #0 restarted");
    pane.wait_for_screen([&](const auto& s) { return row_shows(s, first, "api", "online", 1); },
                         "the restart count of api #0 at 1");
    pane.wait_for_text("restarted api #0 (id " + std::to_string(first) + ")");
    CHECK(t.instances("api")[1].value("restarts", -1) == 0);

    pane.send_keys({"q"});
    CHECK(pane.wait_for_exit() == 0);
}

TEST_CASE(
    "monit's layout follows the terminal: details beside the logs when wide, above at 80x24") {
    TendHome t;
    json api = start_apps(t);
    int first = id_of(api[0]);
    TmuxPane pane(t, {TEND_BIN, "monit"}, 120, 40);
    pane.wait_for_screen(
        [&](const auto& s) {
            // One row holds both pane titles: the details sit beside the logs.
            for (const auto& row : s)
                if (row.rfind("logs · api #0", 0) == 0 && contains(row, "details · api #0"))
                    return list_row(s, first + 2, "logger").has_value();
            return false;
        },
        "logs and details side by side at 120x40");

    pane.resize(80, 24);
    auto screen = pane.wait_for_screen(
        [&](const auto& s) {
            return s.size() == 24 && any_row_starts(s, "details · api #0") &&
                   any_row_starts(s, "logs · api #0") && list_row(s, first + 2, "logger");
        },
        "details stacked above the logs at 80x24");
    CHECK(fits(screen, 80));
    CHECK(contains(screen.front(), "● live"));
    CHECK(contains(screen.back(), "q quit"));

    pane.resize(30, 8);
    pane.wait_for_text("tend monit needs 40x10");
    pane.resize(100, 30);
    pane.wait_for_screen([&](const auto& s) { return row_shows(s, first, "api", "online", 0); },
                         "the list back at 100x30");
    pane.send_keys({"C-c"});
    CHECK(pane.wait_for_exit() == 0);
}

TEST_CASE("monit's s stops and starts the selected instance, d deletes it after a y") {
    TendHome t;
    json api = start_apps(t);
    int first = id_of(api[0]);
    TmuxPane pane(t, {TEND_BIN, "monit"}, 120, 40);
    pane.wait_for_screen([&](const auto& s) { return row_shows(s, first, "api", "online", 0); },
                         "api #0 online");

    pane.send_keys({"s"});
    pane.wait_for_screen([&](const auto& s) { return row_shows(s, first, "api", "stopped", 0); },
                         "api #0 stopped");
    pane.wait_for_text("stopped api #0");
    pane.send_keys({"s"});
    pane.wait_for_screen(
        [&](const auto& s) {
            auto row = list_row(s, first, "api");
            return row && (*row)[3] == "online";
        },
        "api #0 started again");

    pane.send_keys({"d"});
    pane.wait_for_text("delete api #0 (id " + std::to_string(first) + ")? y/n");
    pane.send_keys({"n"});
    pane.wait_for_text("delete cancelled");
    pane.send_keys({"d"});
    pane.send_keys({"y"});
    pane.wait_for_screen([&](const auto& s) { return !list_row(s, first, "api"); },
                         "api #0 gone from the list");
    t.wait_for(
        "api", [](const json& i) { return i.size() == 1; }, "api #0 deleted");
    pane.send_keys({"q"});
    CHECK(pane.wait_for_exit() == 0);
}

TEST_CASE("monit says when the daemon goes away and reconnects when it is back") {
    TendHome t;
    json api = start_apps(t);
    int first = id_of(api[0]);
    TmuxPane pane(t, {TEND_BIN, "monit"}, 100, 30);
    pane.wait_for_screen([&](const auto& s) { return row_shows(s, first, "api", "online", 0); },
                         "api #0 online");

    t.run_ok({"kill"});
    REQUIRE(t.wait_daemon_exit(10s).has_value());
    pane.wait_for_text("daemon not running — retrying");
    CHECK_FALSE(pane.exit_status().has_value());

    // Any daemon-starting command brings one back; monit finds it by itself.
    t.run_ok(start_fixture("back", {}, {"sleep"}));
    pane.wait_for_screen(
        [&](const auto& s) {
            return contains(screen_text(s), "● live") && list_row(s, 0, "back").has_value();
        },
        "monit live again on the new daemon");
    pane.send_keys({"q"});
    CHECK(pane.wait_for_exit() == 0);
}

TEST_CASE("monit without a terminal exits 1 with a clear message") {
    TendHome t;
    Result r = t.run({"monit"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "tend: error: monit needs a terminal (stdout is not a TTY)\n");
}
