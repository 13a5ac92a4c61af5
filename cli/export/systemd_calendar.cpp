// From the sets CronSchedule parsed, not from the text: lists, ranges,
// steps, names and macros are all already values, written back as systemd's
// lists and ranges ("1,3..5").
#include "cli/export/systemd_calendar.h"

#include <array>
#include <bitset>
#include <cstdio>

#include "common/cron_schedule.h"

namespace tend {
namespace {

// The set bits of a field from first to last as "a,b..c" (runs of three or
// more as ranges), two digits each; "*" when every value is allowed.
template <std::size_t N>
std::string calendar_field(const std::bitset<N>& bits, std::size_t first) {
    bool all = true;
    for (std::size_t i = first; i < N; ++i) all = all && bits[i];
    if (all) return "*";
    auto two_digits = [](std::size_t v) {
        char text[8];
        std::snprintf(text, sizeof text, "%02zu", v);
        return std::string(text);
    };
    std::string out;
    for (std::size_t i = first; i < N; ++i) {
        if (!bits[i]) continue;
        std::size_t end = i;
        while (end + 1 < N && bits[end + 1]) ++end;
        if (!out.empty()) out.push_back(',');
        out.append(two_digits(i));
        if (end >= i + 2) {
            out.append("..").append(two_digits(end));
            i = end;
        }
    }
    return out;
}

// "Mon,Wed " (with its space), or "" when every weekday is allowed; systemd
// names them, cron numbers them from Sunday = 0.
std::string calendar_weekdays(const std::bitset<7>& days) {
    if (days.all()) return "";
    static constexpr std::array<const char*, 7> kNames{"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
    std::string out;
    for (std::size_t d = 0; d < 7; ++d) {
        if (!days[d]) continue;
        if (!out.empty()) out.push_back(',');
        out.append(kNames[d]);
    }
    return out + " ";
}

std::string calendar_value(const CronSchedule& s, const std::bitset<7>& weekdays,
                           const std::bitset<32>& days, const std::string& tz) {
    std::string value = calendar_weekdays(weekdays);
    value.append("*-").append(calendar_field(s.months(), 1));
    value.append("-").append(calendar_field(days, 1));
    value.append(" ").append(calendar_field(s.hours(), 0));
    value.append(":").append(calendar_field(s.minutes(), 0));
    value.append(":").append(calendar_field(s.seconds(), 0));
    if (!tz.empty()) value.append(" ").append(tz);
    return value;
}

}  // namespace

std::vector<std::string> systemd_calendar(const std::string& cron, const std::string& tz) {
    CronSchedule s = CronSchedule::parse(cron);
    if (s.days_restricted() && s.weekdays_restricted()) {
        // Vixie cron's either-day rule: one line per day field, the other free.
        std::bitset<32> every_day;
        every_day.set();
        std::bitset<7> every_weekday;
        every_weekday.set();
        return {calendar_value(s, every_weekday, s.days(), tz),
                calendar_value(s, s.weekdays(), every_day, tz)};
    }
    return {calendar_value(s, s.weekdays(), s.days(), tz)};
}

}  // namespace tend
