// Implementation of the renderers' text helpers.
#include "cli/render/format.h"

#include <cstdio>
#include <ctime>

namespace tend {
namespace {

bool needs_quoting(std::string_view word) {
    if (word.empty()) return true;
    for (char c : word) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
        if (!plain) return true;
    }
    return false;
}

std::string shell_quote(std::string_view word) {
    if (!needs_quoting(word)) return std::string(word);
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++width;
    return width;
}

std::string pad_right(std::string_view text, std::size_t width) {
    std::string out(text);
    std::size_t w = display_width(text);
    if (w < width) out.append(width - w, ' ');
    return out;
}

std::string format_local_time(std::int64_t ms, const char* format) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buf[64];
    std::size_t n = std::strftime(buf, sizeof buf, format, &local);
    return std::string(buf, n);
}

std::string format_cpu(double percent) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", percent);
    std::string text = buf;
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0)
        text.resize(text.size() - 2);
    return text + "%";
}

std::string join_command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& word : argv) {
        if (!line.empty()) line += ' ';
        line += shell_quote(word);
    }
    return line;
}

}  // namespace tend
