// `tend monit` in a real terminal (tmux): the apps, their status and their
// log lines appear; r restarts the selected instance; s and d act on it;
// the layout follows a resize; q quits with exit 0; the daemon's going and
// coming back is shown; the details' sparklines line up, fill from the left
// and show their range; and without a terminal monit refuses to start.
#include <doctest/doctest.h>

#include <algorithm>
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

// A row as its code points, so columns can be compared.
std::vector<std::string> cells_of(const std::string& row) {
    std::vector<std::string> cells;
    for (unsigned char c : row) {
        if ((c & 0xC0) != 0x80 || cells.empty()) cells.emplace_back();
        cells.back() += static_cast<char>(c);
    }
    return cells;
}

bool is_block(const std::string& cell) {
    static const std::vector<std::string> blocks{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    return std::find(blocks.begin(), blocks.end(), cell) != blocks.end();
}

// A details line's graph: the column its first block is in, its blocks,
// and the word after them (the range).
struct Graph {
    std::size_t column = 0;
    std::vector<std::string> blocks;
    std::string after;
};

// The graph of the details line labelled `label` (in the pane whose title
// starts with "details · "); nullopt until that line has a block.
std::optional<Graph> details_graph(const std::vector<std::string>& screen,
                                   const std::string& label) {
    std::optional<std::size_t> pane;
    for (const auto& row : screen) {
        if (!pane) {
            auto at = row.find("details · ");
            if (at != std::string::npos) pane = cells_of(row.substr(0, at)).size();
            continue;
        }
        auto cells = cells_of(row);
        std::string text;
        for (std::size_t x = *pane + 1; x < cells.size(); ++x) text += cells[x];
        if (text.rfind(label + " ", 0) != 0) continue;
        Graph graph;
        std::size_t x = *pane + 1 + label.size();
        while (x < cells.size() && !is_block(cells[x])) ++x;
        graph.column = x;
        for (; x < cells.size() && is_block(cells[x]); ++x) graph.blocks.push_back(cells[x]);
        for (++x; x < cells.size() && cells[x] != " "; ++x) graph.after += cells[x];
        if (graph.blocks.empty()) return std::nullopt;
        return graph;
    }
    return std::nullopt;
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

TEST_CASE(
    "monit's details draw cpu and memory from one column, a steady value mid-height, "
    "with their range") {
    TendHome::Options options;
    options.daemon_args = {"--metrics-interval", "100"};
    TendHome t(options);
    t.run_ok(start_fixture("steady", {}, {"sleep"}));
    t.wait_for(
        "steady", [](const json& i) { return all_status(i, "online"); }, "steady online");
    TmuxPane pane(t, {TEND_BIN, "monit"}, 120, 40);

    // Samples come every 100 ms: wait for a few in both graphs, each with a
    // range after it ("0–0.3%", "2.9–2.9mb"), so no half-drawn frame is read.
    auto ranged = [](const std::optional<Graph>& graph, char unit) {
        return graph && graph->blocks.size() >= 5 && contains(graph->after, "–") &&
               graph->after.back() == unit;
    };
    auto screen = pane.wait_for_screen(
        [&](const auto& s) {
            return ranged(details_graph(s, "cpu"), '%') && ranged(details_graph(s, "memory"), 'b');
        },
        "five samples and a range in the details' cpu and memory graphs");
    auto cpu = details_graph(screen, "cpu");
    auto memory = details_graph(screen, "memory");
    REQUIRE(cpu);
    REQUIRE(memory);
    INFO("the screen:\n" << screen_text(screen));
    CHECK(cpu->column == memory->column);
    CHECK(std::count(memory->blocks.begin(), memory->blocks.end(), "█") <
          static_cast<std::ptrdiff_t>(memory->blocks.size()));

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
