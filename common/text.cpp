// Implementation of the text helpers.
#include "common/text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace tend {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: a swap of two neighbours ("strat") costs 1.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string format_uptime(std::int64_t ms) {
    std::int64_t s = ms / 1000;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 86400) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "D";
}

std::string format_bytes(std::int64_t bytes) {
    char buf[32];
    if (bytes < 1024) {
        std::snprintf(buf, sizeof buf, "%lldb", static_cast<long long>(bytes));
    } else if (bytes < 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.1fkb", bytes / 1024.0);
    } else if (bytes < 1024LL * 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.1fmb", bytes / (1024.0 * 1024));
    } else {
        std::snprintf(buf, sizeof buf, "%.1fgb", bytes / (1024.0 * 1024 * 1024));
    }
    return buf;
}

std::optional<std::int64_t> parse_size(std::string_view text) {
    auto unit_of = [](char c) -> std::int64_t {
        switch (c) {
            case 'k':
            case 'K':
                return std::int64_t{1} << 10;
            case 'm':
            case 'M':
                return std::int64_t{1} << 20;
            case 'g':
            case 'G':
                return std::int64_t{1} << 30;
            default:
                return 0;
        }
    };
    if (!text.empty() && (text.back() == 'b' || text.back() == 'B') && text.size() > 1 &&
        unit_of(text[text.size() - 2]))
        text.remove_suffix(1);
    std::int64_t unit = 1;
    if (!text.empty() && unit_of(text.back())) {
        unit = unit_of(text.back());
        text.remove_suffix(1);
    }
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos ||
        text.front() == '.' || std::count(text.begin(), text.end(), '.') > 1)
        return std::nullopt;
    double value = std::strtod(std::string(text).c_str(), nullptr);
    double bytes = value * static_cast<double>(unit);
    if (bytes < 1 || bytes > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(bytes);
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
    std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
    std::string_view unit = digits == text.size() ? "ms" : text.substr(digits);
    auto n = parse_int(text.substr(0, digits));
    std::int64_t scale = unit == "ms"  ? 1
                         : unit == "s" ? 1000
                         : unit == "m" ? 60000
                         : unit == "h" ? 3600000
                                       : 0;
    if (!n || scale == 0 || *n > std::numeric_limits<std::int64_t>::max() / scale)
        return std::nullopt;
    return *n * scale;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t v = 0;
    if (text.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < 0) return std::nullopt;
    return v;
}

int read_fixed_digits(std::string_view text, std::size_t at, std::size_t digits) {
    if (at + digits > text.size()) return -1;
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<DateTimeText> parse_date_time(std::string_view text, bool seconds_optional) {
    bool seconds = text.size() >= 19 && text[16] == ':';
    if (text.size() < 16 || (!seconds && !seconds_optional)) return std::nullopt;
    if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
        return std::nullopt;
    int f[] = {read_fixed_digits(text, 0, 4),  read_fixed_digits(text, 5, 2),
               read_fixed_digits(text, 8, 2),  read_fixed_digits(text, 11, 2),
               read_fixed_digits(text, 14, 2), seconds ? read_fixed_digits(text, 17, 2) : 0};
    for (int v : f)
        if (v < 0) return std::nullopt;
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return std::nullopt;
    DateTimeText out;
    out.tm.tm_year = f[0] - 1900;
    out.tm.tm_mon = f[1] - 1;
    out.tm.tm_mday = f[2];
    out.tm.tm_hour = f[3];
    out.tm.tm_min = f[4];
    out.tm.tm_sec = f[5];
    out.tm.tm_isdst = -1;
    out.length = seconds ? 19 : 16;
    return out;
}

}  // namespace tend
