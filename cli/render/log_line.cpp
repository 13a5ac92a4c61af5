// Rendering of log lines; stdout prefixes take a colour per id so apps can
// be told apart, stderr prefixes are always red.
#include "cli/render/log_line.h"

#include <array>
#include <cstdio>
#include <ctime>

#include "cli/render/format.h"
#include "cli/terminal.h"

namespace tend {
namespace {

const char* prefix_colour(const LogLine& line, const Palette& pal) {
    if (line.stream == "err") return pal.red;
    const std::array<const char*, 5> cycle{pal.cyan, pal.green, pal.magenta, pal.blue, pal.yellow};
    return cycle[static_cast<std::size_t>(line.id < 0 ? -line.id : line.id) % cycle.size()];
}

// "2026-11-30T04:35:01.123Z".
std::string iso_utc_ms(std::int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[40];
    std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms % 1000));
    return text;
}

}  // namespace

std::string render_log_json(const LogLine& line) {
    nlohmann::ordered_json j;
    j["time"] = line.time > 0 ? nlohmann::ordered_json(iso_utc_ms(line.time)) : nullptr;
    j["app"] = line.name;
    j["id"] = line.id;
    j["instance"] = line.instance;
    j["stream"] = line.stream;
    j["message"] = line.line;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_log_line(const LogLine& line, const LogLineStyle& style) {
    if (style.json) return render_log_json(line);
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
