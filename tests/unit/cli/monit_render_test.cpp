// monit's pure rendering: sparklines, the layout at 80x24 and wider, the
// list's columns and cells, the details text, and cleaning app output.
#include <doctest/doctest.h>

#include <numeric>

#include "cli/monit/cell_text.h"
#include "cli/monit/details_text.h"
#include "cli/monit/layout.h"
#include "cli/monit/list_row.h"
#include "cli/monit/sparkline.h"
#include "cli/render/format.h"

using namespace tend;

namespace {

InstanceInfo online_api() {
    InstanceInfo info;
    info.id = 3;
    info.name = "api";
    info.instance = 1;
    info.pid = 4242;
    info.status = InstanceState::kOnline;
    info.restarts = 2;
    info.uptime_ms = 125000;
    info.cpu = 12.5;
    info.memory = 30 * 1024 * 1024;
    info.cpu_history = {0, 5, 12.5};
    info.memory_history = {10 << 20, 20 << 20, 30 << 20};
    info.out_log = "/home/u/.tend/logs/api-out-3.log";
    info.err_log = "/home/u/.tend/logs/api-err-3.log";
    return info;
}

int total_width(const ListColumns& columns) {
    return std::accumulate(columns.begin(), columns.end(), 0) + static_cast<int>(columns.size()) -
           1;
}

// A rect's rows, for checking that panes tile the screen.
void cover(std::vector<std::vector<int>>& grid, const Rect& r) {
    for (int y = r.y; y < r.y + r.height; ++y)
        for (int x = r.x; x < r.x + r.width; ++x) ++grid.at(y).at(x);
}

void check_tiles(const Layout& l, int cols, int rows) {
    std::vector<std::vector<int>> grid(rows, std::vector<int>(cols, 0));
    for (const Rect& r : {l.header, l.list, l.details, l.logs, l.status}) cover(grid, r);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) REQUIRE_MESSAGE(grid[y][x] == 1, "cell " << x << "," << y);
}

}  // namespace

constexpr std::int64_t kMiB = 1024 * 1024;

TEST_CASE("a steady series sits at mid-height, never a full bar") {
    CHECK(sparkline(std::vector<double>{5, 5, 5, 5}, 4, 1) == "▄▄▄▄");
    std::vector<std::int64_t> steady(6, 41 * kMiB + kMiB / 5);
    MetricSpark memory = memory_spark(steady, 10);
    CHECK(memory.glyphs == "▄▄▄▄▄▄");
    CHECK(memory.range == "41.2–41.2mb");
    MetricSpark busy = cpu_spark({50, 50, 50}, 10);
    CHECK(busy.glyphs == "▄▄▄");
    CHECK(busy.range == "50–50%");
}

TEST_CASE("a series that varies uses the full height, rising from ▁ to █") {
    CHECK(sparkline(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}, 8, 1) == "▁▂▃▄▅▆▇█");
    std::vector<std::int64_t> growing{40 * kMiB, 41 * kMiB, 42 * kMiB, 43 * kMiB};
    MetricSpark memory = memory_spark(growing, 60);
    CHECK(memory.glyphs == "▁▃▆█");
    CHECK(memory.range == "40.0–43.0mb");
    MetricSpark cpu = cpu_spark({0, 3, 12}, 60);
    CHECK(cpu.glyphs == "▁▂█");
    CHECK(cpu.range == "0–12%");
}

TEST_CASE("small noise stays near the middle, an idle cpu on the lowest block") {
    MetricSpark idle = cpu_spark({0, 0.5, 1, 0.2}, 60);
    CHECK(idle.glyphs == "▁▁▁▁");
    CHECK(idle.range == "0–1%");
    CHECK(cpu_spark({0, 0, 0}, 60).glyphs == "▁▁▁");
    std::vector<std::int64_t> breathing{41 * kMiB, 41 * kMiB + kMiB / 4, 41 * kMiB};
    CHECK(memory_spark(breathing, 60).glyphs == "▄▅▄");
    CHECK(memory_spark(std::vector<std::int64_t>{0, 0}, 60).glyphs == "▁▁");
}

TEST_CASE("fewer samples than the width fill from the left, more keep the newest") {
    std::string line = sparkline(std::vector<double>{1, 2, 3}, 10, 1);
    CHECK(line == "▁▄█");
    CHECK(display_width(line) == 3);
    // The newest three, scaled among themselves.
    CHECK(sparkline(std::vector<double>{0, 25, 50, 75, 100}, 3, 1) == "▁▄█");
}

TEST_CASE("an empty series draws nothing and has no range") {
    CHECK(sparkline(std::vector<double>{}, 5, 1).empty());
    CHECK(sparkline(std::vector<double>{1, 2}, 0, 1).empty());
    MetricSpark none = memory_spark({}, 10);
    CHECK(none.glyphs.empty());
    CHECK(none.range.empty());
    CHECK(cpu_spark({}, 10).range.empty());
}

TEST_CASE("a range writes a shared unit once") {
    CHECK(range_text("41.2mb", "43.0mb") == "41.2–43.0mb");
    CHECK(range_text("0%", "12%") == "0–12%");
    CHECK(range_text("900.0kb", "1.1mb") == "900.0kb–1.1mb");
}

TEST_CASE("at 80x24 the panes stack and tile the screen") {
    Layout l = compute_layout(80, 24, 200);
    CHECK_FALSE(l.too_small);
    CHECK_FALSE(l.side_by_side);
    CHECK(l.header == Rect{0, 0, 1, 80});
    CHECK(l.status == Rect{23, 0, 1, 80});
    CHECK(l.details.height == kStackedDetailsRows);
    CHECK(l.list.height >= 4);
    CHECK(l.logs.height >= 6);
    check_tiles(l, 80, 24);
}

TEST_CASE("a short list takes only its rows and leaves the rest to the logs") {
    Layout l = compute_layout(80, 24, 2);
    CHECK(l.list.height == 3);
    CHECK(l.logs.height == 24 - 2 - 3 - kStackedDetailsRows);
    check_tiles(l, 80, 24);
}

TEST_CASE("from 120 columns the details sit beside the logs") {
    Layout l = compute_layout(160, 50, 100);
    CHECK(l.side_by_side);
    CHECK(l.logs.y == l.details.y);
    CHECK(l.logs.width + l.details.width == 160);
    CHECK(l.details.width >= 40);
    CHECK(l.list.width == 160);
    check_tiles(l, 160, 50);
    check_tiles(compute_layout(120, 40, 0), 120, 40);
}

TEST_CASE("a terminal below 40x10 only gets a notice") {
    CHECK(compute_layout(39, 24, 3).too_small);
    CHECK(compute_layout(80, 9, 3).too_small);
    CHECK_FALSE(compute_layout(40, 10, 3).too_small);
    check_tiles(compute_layout(40, 10, 3), 40, 10);
}

TEST_CASE("the list scrolls just enough to keep the selection in view") {
    CHECK(scroll_to_show(0, 3, 5, 200) == 0);
    CHECK(scroll_to_show(0, 5, 5, 200) == 1);
    CHECK(scroll_to_show(10, 4, 5, 200) == 4);
    CHECK(scroll_to_show(0, 199, 5, 200) == 195);
    CHECK(scroll_to_show(195, 199, 10, 200) == 190);  // the pane grew: no blank rows
    CHECK(scroll_to_show(7, 0, 5, 3) == 0);
}

TEST_CASE("list columns fill the width exactly, at 80 columns and wider") {
    for (int width : {80, 100, 120, 200, 300}) {
        ListColumns columns = list_columns(width);
        CAPTURE(width);
        CHECK(total_width(columns) == width);
        CHECK(columns[static_cast<std::size_t>(Column::kName)] >= 14);
        CHECK(columns[static_cast<std::size_t>(Column::kCpuSpark)] >= 8);
        CHECK(columns[static_cast<std::size_t>(Column::kCpuSpark)] <=
              static_cast<int>(kMetricsHistory));
    }
}

TEST_CASE("a list row has every value in its column") {
    ListColumns columns = list_columns(80);
    auto cells = list_cells(online_api(), columns);
    REQUIRE(cells.size() == kColumnCount);
    std::string row;
    for (const auto& cell : cells) {
        CHECK(display_width(cell.text) ==
              static_cast<std::size_t>(columns[static_cast<std::size_t>(cell.column)]));
        row += cell.text + " ";
    }
    CHECK(row.find("   3 api ") == 0);
    CHECK(row.find("online") != std::string::npos);
    CHECK(row.find("12.5%") != std::string::npos);
    CHECK(row.find("30.0mb") != std::string::npos);
    CHECK(row.find("2m") != std::string::npos);
    CHECK(row.find("▁▄█") != std::string::npos);  // cpu 0, 5, 12.5 against 12.5
    CHECK(display_width(row) == 81);
}

TEST_CASE("the list's sparklines fill from the left, a steady memory at mid-height") {
    InstanceInfo info = online_api();
    info.memory_history = std::vector<std::int64_t>(3, 30 * kMiB);
    ListColumns columns = list_columns(80);
    auto cells = list_cells(info, columns);
    auto width = static_cast<std::size_t>(columns[static_cast<std::size_t>(Column::kCpuSpark)]);
    CHECK(cells[static_cast<std::size_t>(Column::kCpuSpark)].text == fit("▁▄█", width));
    CHECK(cells[static_cast<std::size_t>(Column::kMemorySpark)].text == fit("▄▄▄", width));
}

TEST_CASE("the list says waiting for waiting_restart and - for a stopped uptime") {
    InstanceInfo info = online_api();
    info.status = InstanceState::kWaitingRestart;
    CHECK(short_status(info.status) == "waiting");
    info.status = InstanceState::kStopped;
    auto cells = list_cells(info, list_columns(80));
    CHECK(cells[static_cast<std::size_t>(Column::kUptime)].text == "     -");
}

TEST_CASE("fit pads to the width or cuts with an ellipsis, by code points") {
    CHECK(fit("api", 5) == "api  ");
    CHECK(fit("api", 5, Align::kRight) == "  api");
    CHECK(fit("worker-queue", 6) == "worke…");
    CHECK(fit("▁▂▃▄", 3) == "▁▂…");
    CHECK(fit("x", 0) == "");
    CHECK(fit_end("/home/u/logs/api-out-3.log", 16) == "…s/api-out-3.log");
    CHECK(fit_end("/srv", 6) == "/srv  ");
}

TEST_CASE("printable drops escape sequences and control characters and expands tabs") {
    CHECK(printable("\x1b[31mred\x1b[0m text") == "red text");
    CHECK(printable("a\tb") == "a       b");
    CHECK(printable("12345678\tx") == "12345678        x");
    CHECK(printable("bell\a and\r cr") == "bell and cr");
    CHECK(printable("\x1b]0;title\a after") == " after");
    CHECK(printable("café ▁") == "café ▁");
    CHECK(printable("c1 \xc2\x9b"
                    "31m") == "c1 31m");
}

TEST_CASE("details show every field when tall and six packed lines when short") {
    InstanceInfo info = online_api();
    info.exit_code = 3;
    info.restart_reason = "exit_code";
    info.restart_reason_detail = "exit code 3";
    AppSpec spec;
    spec.script = "/usr/bin/node";
    spec.args = {"server.js", "--port", "3000"};
    spec.cwd = "/srv/api";
    auto tall = details_lines(info, &spec, 60, 20);
    REQUIRE(tall.size() == 11);
    CHECK(tall[1].label == "pid       ");
    CHECK(tall[1].value.find("4242") == 0);
    CHECK(tall[2].value.find("/usr/bin/node server.js --port 3000") == 0);
    CHECK(tall[3].value.find("/srv/api") == 0);
    CHECK(tall[5].value.find("2 (last: exit code 3)") == 0);
    CHECK(tall[6].value.find("code 3") == 0);
    CHECK(tall[7].value.find("api-out-3.log") != std::string::npos);
    CHECK(tall[9].label == "cpu       ");
    CHECK(tall[10].label == "memory    ");
    CHECK(tall[9].value == fit("   12.5% ▁▄█ 0–12.5%", 50));
    CHECK(tall[10].value == fit("  30.0mb ▁▄█ 10.0–30.0mb", 50));
    for (const auto& line : tall) CHECK(display_width(line.label + line.value) == 60);

    auto shorter = details_lines(info, nullptr, 79, 6);
    REQUIRE(shorter.size() == 6);
    CHECK(shorter[0].value.find("online  pid 4242  up 2m  restarts 2") == 0);
    CHECK(shorter[1].value.find("…") == 0);  // the command line is not known yet
    CHECK(shorter[4].value.find("api-out-3.log  api-err-3.log  in /home/u/.tend/logs") == 0);
    CHECK(shorter[5].value ==
          fit(fit("   12.5% ▁▄█ 0–12.5%", 33) + "    30.0mb ▁▄█ 10.0–30.0mb", 69));
    for (const auto& line : shorter) CHECK(display_width(line.label + line.value) == 79);
}

TEST_CASE("the last exit reads as a signal, a code, or -") {
    InstanceInfo info;
    CHECK(last_exit_text(info) == "-");
    info.exit_code = 1;
    CHECK(last_exit_text(info) == "code 1");
    info.exit_signal = "SIGKILL";
    CHECK(last_exit_text(info) == "signal SIGKILL");
}
