// Rendering of the instance table: cells per instance, column widths by
// display width, then borders and rows. Colour wraps padded cells, so escape
// codes never disturb the alignment.
#include "cli/render/table.h"

#include <algorithm>
#include <array>

#include "cli/render/format.h"
#include "cli/render/readiness_text.h"
#include "cli/terminal.h"
#include "common/text.h"

namespace tend {
namespace {

constexpr std::size_t kColumns = 11;
constexpr std::size_t kNameColumn = 1;
constexpr std::size_t kStatusColumn = 6;
constexpr std::array<std::string_view, kColumns> kTitles{
    "id", "name", "namespace", "instance", "mode", "pid", "status", "uptime", "↺", "cpu", "memory"};

using Row = std::array<std::string, kColumns>;
using Widths = std::array<std::size_t, kColumns>;

Row cells_of(const InstanceInfo& info) {
    bool online = info.status == InstanceState::kOnline;
    return Row{std::to_string(info.id),
               info.name,
               info.ns,
               std::to_string(info.instance),
               info.mode,
               std::to_string(info.pid),
               status_cell(info),  // "online*": up, not ready
               online ? format_uptime(info.uptime_ms) : "0",
               std::to_string(info.restarts),
               format_cpu(info.cpu),
               format_bytes(info.memory)};
}

Widths widths_of(const std::vector<Row>& rows) {
    Widths widths{};
    for (std::size_t c = 0; c < kColumns; ++c) widths[c] = display_width(kTitles[c]);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < kColumns; ++c)
            widths[c] = std::max(widths[c], display_width(row[c]));
    return widths;
}

// One horizontal rule: left, the joints between columns, right.
std::string rule(const Widths& widths, std::string_view left, std::string_view joint,
                 std::string_view right) {
    std::string line(left);
    for (std::size_t c = 0; c < kColumns; ++c) {
        for (std::size_t i = 0; i < widths[c] + 2; ++i) line += "─";
        line += c + 1 < kColumns ? joint : right;
    }
    return line + "\n";
}

// One row of cells; colours[c] wraps cell c when non-empty.
std::string row_line(const Row& cells, const Widths& widths,
                     const std::array<const char*, kColumns>& colours, const char* reset) {
    std::string line = "│";
    for (std::size_t c = 0; c < kColumns; ++c) {
        bool coloured = *colours[c] != '\0';
        line += " ";
        if (coloured) line += colours[c];
        line += pad_right(cells[c], widths[c]);
        if (coloured) line += reset;
        line += " │";
    }
    return line + "\n";
}

std::string header_line(const Widths& widths, const Palette& pal) {
    Row titles;
    std::array<const char*, kColumns> colours;
    for (std::size_t c = 0; c < kColumns; ++c) {
        titles[c] = std::string(kTitles[c]);
        colours[c] = pal.bold;
    }
    return row_line(titles, widths, colours, pal.reset);
}

std::string instance_line(const Row& cells, InstanceState state, const Widths& widths,
                          const Palette& pal, bool colour) {
    std::array<const char*, kColumns> colours;
    colours.fill("");
    colours[kNameColumn] = pal.bold;
    colours[kStatusColumn] = status_colour(state, colour);
    return row_line(cells, widths, colours, pal.reset);
}

}  // namespace

const char* status_colour(InstanceState state, bool colour) {
    Palette pal = palette(colour);
    switch (state) {
        case InstanceState::kOnline:
            return pal.green;
        case InstanceState::kErrored:
            return pal.red;
        case InstanceState::kStopping:
        case InstanceState::kWaitingRestart:
        case InstanceState::kLaunching:
            return pal.yellow;
        case InstanceState::kStopped:
        case InstanceState::kCompleted:
            return pal.grey;
        case InstanceState::kWaitingChange:
            return pal.yellow;
    }
    return "";
}

std::string render_table(const std::vector<InstanceInfo>& instances, bool colour) {
    Palette pal = palette(colour);
    std::vector<Row> rows;
    rows.reserve(instances.size());
    for (const auto& info : instances) rows.push_back(cells_of(info));
    Widths widths = widths_of(rows);

    std::string out = rule(widths, "┌", "┬", "┐") + header_line(widths, pal);
    if (instances.empty()) {
        return out + rule(widths, "└", "┴", "┘") +
               "[tend] no apps yet: start one with 'tend start app.js'\n";
    }
    out += rule(widths, "├", "┼", "┤");
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += instance_line(rows[i], instances[i].status, widths, pal, colour);
    out += rule(widths, "└", "┴", "┘");
    if (std::any_of(instances.begin(), instances.end(), up_not_ready)) out += kNotReadyNote;
    return out;
}

}  // namespace tend
