// Rendering of log lines; stdout prefixes take a colour per id so apps can
// be told apart, stderr prefixes are always red.
#include "cli/render/log_line.h"

#include <array>

#include "cli/render/format.h"
#include "cli/terminal.h"

namespace tend {
namespace {

const char* prefix_colour(const LogLine& line, const Palette& pal) {
    if (line.stream == "err") return pal.red;
    const std::array<const char*, 5> cycle{pal.cyan, pal.green, pal.magenta, pal.blue, pal.yellow};
    return cycle[static_cast<std::size_t>(line.id < 0 ? -line.id : line.id) % cycle.size()];
}

}  // namespace

std::string render_log_line(const LogLine& line, const LogLineStyle& style) {
    std::string out;
    if (style.timestamp && line.time != 0)
        out += format_local_time(line.time, "%Y-%m-%dT%H:%M:%S") + " ";
    if (!style.raw) {
        Palette pal = palette(style.colour);
        // A merged file's past line has no instance (id -1): "-|api| ".
        std::string id = line.id < 0 ? "-" : std::to_string(line.id);
        out += std::string(prefix_colour(line, pal)) + id + "|" + line.name + "|" + pal.reset + " ";
    }
    return out + line.line + "\n";
}

}  // namespace tend
