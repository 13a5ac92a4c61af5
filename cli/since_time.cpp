// --since parsing: a number and a unit, or YYYY-MM-DD[T ]HH:MM[:SS] read
// as local time with mktime (the CLI's time zone is the user's).
#include "cli/since_time.h"

#include <cctype>
#include <ctime>
#include <string>

#include "cli/usage_error.h"
#include "common/text.h"

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

// A local time's milliseconds, or -1 when text is not one.
std::int64_t local_time_ms(std::string_view text) {
    // YYYY-MM-DDTHH:MM, then optionally :SS, and nothing after.
    std::optional<DateTimeText> parsed = parse_date_time(text, true);
    if (!parsed || parsed->length != text.size()) return -1;
    int day = parsed->tm.tm_mday;
    std::time_t t = std::mktime(&parsed->tm);  // tm_isdst -1: the zone's rule for that date
    // mktime normalises: Feb 31 would become March 3; refuse it instead.
    if (t == static_cast<std::time_t>(-1) || parsed->tm.tm_mday != day) return -1;
    return static_cast<std::int64_t>(t) * 1000;
}

}  // namespace

std::int64_t parse_since(std::string_view text, std::int64_t now_ms) {
    if (std::int64_t d = duration_ms(text); d >= 0) return now_ms - d;
    if (std::int64_t t = local_time_ms(text); t >= 0) return t;
    bad_since(text);
}

}  // namespace tend
