// JSON text without a tree: see json_text.h.
#include "common/json_text.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace tend {
namespace {

// Printable ASCII other than '"' and '\\' is written as it is; anything
// else (control characters, non-ASCII that may be invalid UTF-8) goes
// through nlohmann, the one place that decides escaping and replacement.
bool json_plain_char(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    for (char c : text) {
        if (json_plain_char(static_cast<unsigned char>(c))) continue;
        out += nlohmann::json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

void append_json_number(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    std::string_view digits(buf, static_cast<std::size_t>(end - buf));
    out += digits;
    // "3" would read back as an integer; nlohmann writes a double as "3.0".
    if (digits.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_json_number(std::string& out, std::int64_t value) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, end);
}

void append_json_key(std::string& out, std::string_view key) {
    out += '"';
    out += key;
    out += "\":";
}

}  // namespace tend
