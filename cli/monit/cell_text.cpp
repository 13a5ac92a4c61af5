// Fitting and cleaning text for the dashboard's cells.
#include "cli/monit/cell_text.h"

#include <algorithm>

#include "cli/render/format.h"

namespace tend {
namespace {

constexpr std::size_t kTabStop = 8;
constexpr char kEscape = '\x1b';

bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// The byte offset where the code point at column `columns` starts.
std::size_t offset_of_column(std::string_view text, std::size_t columns) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_continuation(static_cast<unsigned char>(text[i]))) continue;
        if (seen == columns) return i;
        ++seen;
    }
    return text.size();
}

// Length of the escape sequence at text[0] (an ESC): CSI "ESC [ ... final",
// OSC "ESC ] ... BEL or ESC \", or ESC and one more byte.
std::size_t escape_length(std::string_view text) {
    if (text.size() < 2) return text.size();
    if (text[1] == '[') {
        std::size_t i = 2;
        while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
        return std::min(i + 1, text.size());
    }
    if (text[1] == ']') {
        for (std::size_t i = 2; i < text.size(); ++i) {
            if (text[i] == '\a') return i + 1;
            if (text[i] == kEscape && i + 1 < text.size() && text[i + 1] == '\\') return i + 2;
        }
        return text.size();
    }
    return 2;
}

// U+0080..U+009F in UTF-8: C1 controls, which some terminals act on.
bool is_c1_control(std::string_view text, std::size_t i) {
    return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
           static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
           static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

}  // namespace

std::string fit(std::string_view text, std::size_t width, Align align) {
    std::size_t columns = display_width(text);
    if (columns > width) {
        if (width == 0) return "";
        return std::string(text.substr(0, offset_of_column(text, width - 1))) + "…";
    }
    std::string padding(width - columns, ' ');
    return align == Align::kLeft ? std::string(text) + padding : padding + std::string(text);
}

std::string fit_end(std::string_view text, std::size_t width) {
    std::size_t columns = display_width(text);
    if (columns <= width) return fit(text, width);
    if (width == 0) return "";
    return "…" + std::string(text.substr(offset_of_column(text, columns - (width - 1))));
}

std::string printable(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size();) {
        auto c = static_cast<unsigned char>(line[i]);
        if (c == kEscape) {
            i += escape_length(line.substr(i));
        } else if (c == '\t') {
            std::size_t spaces = kTabStop - column % kTabStop;
            out.append(spaces, ' ');
            column += spaces;
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            ++i;
        } else if (is_c1_control(line, i)) {
            i += 2;
        } else {
            if (!is_continuation(c)) ++column;
            out += line[i++];
        }
    }
    return out;
}

}  // namespace tend
