// List columns: fixed widths for the values, the rest shared between the
// name (first, up to a comfortable width) and the two sparklines.
#include "cli/monit/list_row.h"

#include <algorithm>
#include <string_view>

#include "cli/monit/cell_text.h"
#include "cli/monit/sparkline.h"
#include "cli/render/format.h"
#include "cli/render/readiness_text.h"
#include "common/text.h"

namespace tend {
namespace {

constexpr int kMinName = 8;
constexpr int kComfortableName = 14;
constexpr int kMinSpark = 8;
constexpr int kMaxSpark = static_cast<int>(kMetricsHistory);

struct ColumnSpec {
    std::string_view title;
    int width;  // fixed width; 0 for the flexible columns
    Align align;
};

// clang-format off
constexpr std::array<ColumnSpec, kColumnCount> kSpecs{{
    {"id",             4, Align::kRight},
    {"name",           0, Align::kLeft},
    {"inst",           4, Align::kRight},
    {"status",         9, Align::kLeft},
    {"cpu",            6, Align::kRight},
    {"mem",            8, Align::kRight},
    {"↺",              4, Align::kRight},
    {"uptime",         6, Align::kRight},
    {"cpu ▁▃▅",        0, Align::kLeft},
    {"mem ▁▃▅",        0, Align::kLeft},
}};
// clang-format on

std::size_t index_of(Column c) {
    return static_cast<std::size_t>(c);
}

int fixed_width() {
    int total = static_cast<int>(kColumnCount) - 1;  // the gaps
    for (const auto& spec : kSpecs) total += spec.width;
    return total;
}

// Cells at their x positions from already-formatted texts.
std::vector<Cell> place(const std::array<std::string, kColumnCount>& texts,
                        const ListColumns& columns) {
    std::vector<Cell> cells;
    int x = 0;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
        auto width = static_cast<std::size_t>(std::max(0, columns[c]));
        cells.push_back(Cell{static_cast<Column>(c), x, fit(texts[c], width, kSpecs[c].align)});
        x += columns[c] + 1;
    }
    return cells;
}

}  // namespace

ListColumns list_columns(int width) {
    ListColumns columns{};
    for (std::size_t c = 0; c < kColumnCount; ++c) columns[c] = kSpecs[c].width;
    int spare = std::max(0, width - fixed_width());
    // The name first gets its minimum, the sparklines theirs, then the name
    // grows to a comfortable width, then the sparklines to a full history.
    int name = std::min(spare, kMinName);
    spare -= name;
    int spark = std::min(spare / 2, kMinSpark);
    spare -= 2 * spark;
    int grow = std::min(spare, kComfortableName - name);
    name += grow;
    spare -= grow;
    grow = std::min(spare / 2, kMaxSpark - spark);
    spark += grow;
    spare -= 2 * grow;
    columns[index_of(Column::kName)] = name + spare;
    columns[index_of(Column::kCpuSpark)] = spark;
    columns[index_of(Column::kMemorySpark)] = spark;
    return columns;
}

std::vector<Cell> list_title_cells(const ListColumns& columns) {
    std::array<std::string, kColumnCount> texts;
    for (std::size_t c = 0; c < kColumnCount; ++c) texts[c] = std::string(kSpecs[c].title);
    return place(texts, columns);
}

std::string short_status(InstanceState state) {
    if (state == InstanceState::kWaitingRestart) return "waiting";
    return std::string(to_string(state));
}

std::vector<Cell> list_cells(const InstanceInfo& info, const ListColumns& columns) {
    bool online = info.status == InstanceState::kOnline;
    auto cpu_width = static_cast<std::size_t>(columns[index_of(Column::kCpuSpark)]);
    auto memory_width = static_cast<std::size_t>(columns[index_of(Column::kMemorySpark)]);
    std::array<std::string, kColumnCount> texts{
        std::to_string(info.id),
        info.name,
        std::to_string(info.instance),
        up_not_ready(info) ? status_cell(info) : short_status(info.status),
        format_cpu(info.cpu),
        format_bytes(info.memory),
        std::to_string(info.restarts),
        online ? format_uptime(info.uptime_ms) : "-",
        cpu_spark(info.cpu_history, cpu_width).glyphs,
        memory_spark(info.memory_history, memory_width).glyphs,
    };
    return place(texts, columns);
}

}  // namespace tend
