// Quoting by systemd.syntax(7): a value is split into words on spaces; a
// word in double quotes keeps its spaces and reads C escapes.
#include "cli/export/systemd_syntax.h"

#include <cstdio>

namespace tend {
namespace {

bool systemd_needs_quotes(std::string_view word) {
    if (word.empty()) return true;
    for (char c : word) {
        auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u == 0x7f || c == '"' || c == '\'' || c == '\\') return true;
    }
    return false;
}

// word in double quotes, with C escapes for what the quotes cannot hold.
std::string systemd_quoted(std::string_view word) {
    std::string out = "\"";
    for (char c : word) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\t':
                out.append("\\t");
                break;
            case '\r':
                out.append("\\r");
                break;
            default:
                if (u < ' ' || u == 0x7f) {
                    char hex[5];
                    std::snprintf(hex, sizeof hex, "\\x%02x", u);
                    out.append(hex);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace

std::string systemd_escape_specifiers(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        out.push_back(c);
        if (c == '%') out.push_back('%');
    }
    return out;
}

std::string systemd_exec_word(std::string_view word) {
    if (word == ";") return "\\;";
    std::string escaped;
    for (char c : word) {
        escaped.push_back(c);
        if (c == '%' || c == '$') escaped.push_back(c);
    }
    return systemd_needs_quotes(word) ? systemd_quoted(escaped) : escaped;
}

std::string systemd_exec_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& word : argv) {
        if (!line.empty()) line.push_back(' ');
        line.append(systemd_exec_word(word));
    }
    return line;
}

std::string systemd_env_assignment(const std::string& key, const std::string& value) {
    std::string assignment = key;
    assignment.push_back('=');
    assignment.append(systemd_escape_specifiers(value));
    return systemd_needs_quotes(value) ? systemd_quoted(assignment) : assignment;
}

std::string systemd_unit_prefix(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto u = static_cast<unsigned char>(name[i]);
        bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                     u == ':' || u == '_' || u == '-' || (u == '.' && i > 0);
        if (plain) {
            out.push_back(name[i]);
            continue;
        }
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", u);
        out.append(hex);
    }
    return out;
}

std::string systemd_time_span(std::int64_t ms) {
    if (ms <= 0) return "0";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

}  // namespace tend
