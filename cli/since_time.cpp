// --since parsing: a number and a unit, or YYYY-MM-DD[T ]HH:MM[:SS] read
// as local time with mktime (the CLI's time zone is the user's).
#include "cli/since_time.h"

#include <cctype>
#include <ctime>
#include <string>

#include "cli/usage_error.h"

namespace tend {
namespace {

[[noreturn]] void bad_since(std::string_view text) {
    throw UsageError(
        "--since: expected a duration (10m: s, m, h, d) or a local time "
        "(2026-11-29T10:00[:SS]), got '" +
        std::string(text) + "'");
}

// A duration's milliseconds, or -1 when text is not one.
std::int64_t duration_ms(std::string_view text) {
    if (text.size() < 2 || text.size() > 12) return -1;
    std::int64_t unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1000;
            break;
        case 'm':
            unit = 60 * 1000;
            break;
        case 'h':
            unit = 3600 * 1000;
            break;
        case 'd':
            unit = 24 * 3600 * 1000;
            break;
        default:
            return -1;
    }
    std::int64_t count = 0;
    for (char c : text.substr(0, text.size() - 1)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
        count = count * 10 + (c - '0');
    }
    return count * unit;
}

// Reads exactly `digits` digits at pos; -1 when they are not there.
int read_number(std::string_view text, std::size_t pos, std::size_t digits) {
    if (pos + digits > text.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + digits; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// A local time's milliseconds, or -1 when text is not one.
std::int64_t local_time_ms(std::string_view text) {
    // YYYY-MM-DDTHH:MM, then optionally :SS.
    if (text.size() != 16 && text.size() != 19) return -1;
    if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || (text.size() == 19 && text[16] != ':'))
        return -1;
    std::tm tm{};
    int fields[] = {read_number(text, 0, 4),  read_number(text, 5, 2),
                    read_number(text, 8, 2),  read_number(text, 11, 2),
                    read_number(text, 14, 2), text.size() == 19 ? read_number(text, 17, 2) : 0};
    for (int f : fields)
        if (f < 0) return -1;
    if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 ||
        fields[4] > 59 || fields[5] > 60)
        return -1;
    tm.tm_year = fields[0] - 1900;
    tm.tm_mon = fields[1] - 1;
    tm.tm_mday = fields[2];
    tm.tm_hour = fields[3];
    tm.tm_min = fields[4];
    tm.tm_sec = fields[5];
    tm.tm_isdst = -1;  // whatever the zone says for that date
    std::time_t t = std::mktime(&tm);
    // mktime normalises: Feb 31 would become March 3; refuse it instead.
    if (t == static_cast<std::time_t>(-1) || tm.tm_mday != fields[2]) return -1;
    return static_cast<std::int64_t>(t) * 1000;
}

}  // namespace

std::int64_t parse_since(std::string_view text, std::int64_t now_ms) {
    if (std::int64_t d = duration_ms(text); d >= 0) return now_ms - d;
    if (std::int64_t t = local_time_ms(text); t >= 0) return t;
    bad_since(text);
}

}  // namespace tend
