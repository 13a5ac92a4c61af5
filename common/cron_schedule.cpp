// Parsing cron expressions and finding their next firing in a time zone.
#include "common/cron_schedule.h"

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <vector>

#include "common/text.h"

namespace tend {
namespace {

constexpr const char* kZoneDir = "/usr/share/zoneinfo/";

struct FieldRule {
    const char* name;
    int lo;
    int hi;
    const char* const* names;  // names for lo, lo+1, ...; nullptr = numbers only
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

constexpr FieldRule kSecond{"second", 0, 59, nullptr};
constexpr FieldRule kMinute{"minute", 0, 59, nullptr};
constexpr FieldRule kHour{"hour", 0, 23, nullptr};
constexpr FieldRule kDay{"day-of-month", 1, 31, nullptr};
constexpr FieldRule kMonth{"month", 1, 12, kMonthNames};
constexpr FieldRule kWeekday{"day-of-week", 0, 7, kDayNames};  // 7 is Sunday too

[[noreturn]] void refuse(const std::string& msg) {
    throw CronError("cron_restart: " + msg);
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        std::size_t at = text.find(sep, start);
        out.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) out.push_back(text.substr(start, i - start));
    }
    return out;
}

bool same_word(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) return false;
    return true;
}

int read_value(std::string_view text, const FieldRule& rule) {
    if (rule.names)
        for (int v = rule.lo; v <= rule.hi; ++v)
            if (same_word(text, rule.names[v - rule.lo])) return v;
    auto v = text.size() <= 2 ? parse_int(text) : std::nullopt;
    if (!v)
        refuse(std::string(rule.name) + " '" + std::string(text) + "' is not a value of " +
               std::to_string(rule.lo) + "-" + std::to_string(rule.hi));
    if (*v < rule.lo || *v > rule.hi)
        refuse(std::string(rule.name) + " " + std::to_string(*v) + " is out of " +
               std::to_string(rule.lo) + "-" + std::to_string(rule.hi));
    return static_cast<int>(*v);
}

// One item of a list: `*`, `v`, `a-b`, each with an optional `/step`
// (`v/step` runs from v to the field's end, as cronie reads it).
void add_item(std::string_view item, const FieldRule& rule, std::vector<bool>& set) {
    std::string_view range = item;
    int step = 1;
    if (std::size_t slash = item.find('/'); slash != std::string_view::npos) {
        range = item.substr(0, slash);
        std::string_view step_text = item.substr(slash + 1);
        auto parsed = parse_int(step_text);
        step = parsed && *parsed <= rule.hi - rule.lo + 1 ? static_cast<int>(*parsed) : 0;
        if (step < 1)
            refuse(std::string(rule.name) + " step '" + std::string(step_text) + "' must be 1-" +
                   std::to_string(rule.hi - rule.lo + 1));
    }
    int lo = rule.lo;
    int hi = rule.hi;
    if (range != "*") {
        std::size_t dash = range.find('-');
        lo = read_value(range.substr(0, dash), rule);
        if (dash != std::string_view::npos)
            hi = read_value(range.substr(dash + 1), rule);
        else if (range.size() == item.size())
            hi = lo;  // a single value without a step
        if (lo > hi)
            refuse(std::string(rule.name) + " range '" + std::string(range) + "' goes backwards");
    }
    for (int v = lo; v <= hi; v += step) set[static_cast<std::size_t>(v)] = true;
}

template <std::size_t N>
bool parse_field(std::string_view text, const FieldRule& rule, std::bitset<N>& out) {
    std::vector<bool> set(static_cast<std::size_t>(rule.hi) + 1, false);
    for (std::string_view item : split(text, ',')) {
        if (item.empty())
            refuse(std::string(rule.name) + " '" + std::string(text) + "' has an empty item");
        add_item(item, rule, set);
    }
    for (std::size_t v = 0; v < set.size(); ++v)
        if (set[v]) out.set(v % N);  // day-of-week 7 folds onto 0 (N = 7)
    return !text.empty() && text.front() == '*';
}

std::string_view expand_macro(std::string_view text) {
    struct Macro {
        const char* name;
        const char* fields;
    };
    static constexpr Macro kMacros[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    };
    for (const Macro& m : kMacros)
        if (text == m.name) return m.fields;
    refuse("'" + std::string(text) +
           "' is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly");
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    auto yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy =
        (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// TZ set to a zone's file for the life of the scope, then given back. tendd
// reads local time on its loop thread only, and glibc's localtime_r (which
// spdlog uses on the log archiver's thread) reads the zone under glibc's own
// lock and never reads TZ again: at worst one line the archiver logs during
// the switch is stamped in this zone.
class ZoneScope {
  public:
    explicit ZoneScope(const std::string& tz) : active_(!tz.empty()) {
        if (!active_) return;
        if (const char* old = std::getenv("TZ")) old_ = old;
        std::string value = ":";
        value.append(kZoneDir).append(tz);
        ::setenv("TZ", value.c_str(), 1);
        ::tzset();
    }
    ~ZoneScope() {
        if (!active_) return;
        if (old_)
            ::setenv("TZ", old_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    ZoneScope(const ZoneScope&) = delete;
    ZoneScope& operator=(const ZoneScope&) = delete;

  private:
    bool active_;
    std::optional<std::string> old_;
};

// Seconds east of UTC in force at instant t.
long offset_at(std::int64_t t) {
    auto when = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&when, &tm);
    return tm.tm_gmtoff;
}

// The instant a local time (given as seconds since the epoch "as if UTC")
// names: its first occurrence when it occurs twice (or, with both, the first
// at or after `from`: a schedule of every hour runs on through a repeated
// hour, as Vixie cron runs such jobs); the moment the clocks jumped over it
// when it does not exist.
std::int64_t resolve_local(std::int64_t local, bool both, std::int64_t from) {
    std::array<long, 3> offsets{offset_at(local - 86400), offset_at(local),
                                offset_at(local + 86400)};
    std::optional<std::int64_t> first;  // the earliest occurrence
    std::optional<std::int64_t> best;   // the earliest at or after from
    long lo_off = offsets[0];
    long hi_off = offsets[0];
    for (long off : offsets) {
        lo_off = std::min(lo_off, off);
        hi_off = std::max(hi_off, off);
        std::int64_t u = local - off;
        if (offset_at(u) != off) continue;
        if (!first || u < *first) first = u;
        if (u >= from && (!best || u < *best)) best = u;
    }
    if (first) return both && best ? *best : *first;
    // A gap: the first instant whose local time is past `local`.
    std::int64_t lo = local - hi_off;  // still before the jump
    std::int64_t hi = local - lo_off;  // after it
    while (lo + 1 < hi) {
        std::int64_t mid = lo + (hi - lo) / 2;
        if (mid + offset_at(mid) > local)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

template <std::size_t N>
int next_set(const std::bitset<N>& set, int from) {
    for (int v = from; v < static_cast<int>(N); ++v)
        if (set[static_cast<std::size_t>(v)]) return v;
    return -1;
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view text) {
    if (text.size() > kMaxCronLength)
        refuse("longer than " + std::to_string(kMaxCronLength) + " characters");
    std::vector<std::string_view> fields = words(text);
    if (fields.size() == 1 && fields[0].starts_with('@')) fields = words(expand_macro(fields[0]));
    if (fields.size() != 5 && fields.size() != 6)
        refuse("'" + std::string(text) +
               "' needs 5 fields (minute hour day-of-month month day-of-week), or 6 with "
               "seconds first");
    CronSchedule s;
    s.has_seconds_ = fields.size() == 6;
    std::size_t at = 0;
    if (s.has_seconds_)
        parse_field(fields[at++], kSecond, s.seconds_);
    else
        s.seconds_.set(0);
    parse_field(fields[at++], kMinute, s.minutes_);
    parse_field(fields[at++], kHour, s.hours_);
    s.days_star_ = parse_field(fields[at++], kDay, s.days_);
    parse_field(fields[at++], kMonth, s.months_);
    s.weekdays_star_ = parse_field(fields[at++], kWeekday, s.weekdays_);
    return s;
}

bool CronSchedule::day_matches(int year, int month, int day) const {
    // 1970-01-01 was a Thursday (4).
    std::int64_t days = days_from_civil(year, month, day);
    auto weekday = static_cast<std::size_t>(((days % 7) + 11) % 7);
    bool dom = days_[static_cast<std::size_t>(day)];
    bool dow = weekdays_[weekday];
    // Vixie cron: when both are restricted, either one is enough.
    if (days_star_ || weekdays_star_) return dom && dow;
    return dom || dow;
}

std::optional<std::int64_t> CronSchedule::next_after(std::int64_t wall_ms,
                                                     const std::string& tz) const {
    check_time_zone(tz);
    ZoneScope zone(tz);
    std::int64_t start = (wall_ms >= 0 ? wall_ms / 1000 : (wall_ms - 999) / 1000) + 1;
    std::optional<std::int64_t> at = search(start, start);
    // A schedule of every hour fires in a repeated hour's second pass too,
    // which a walk through local times from `start` has already passed:
    // walk again from the moment the clocks went back.
    if (at && hours_.all() && offset_at(*at) < offset_at(start)) {
        std::int64_t lo = start, hi = *at;
        while (lo + 1 < hi) {
            std::int64_t mid = lo + (hi - lo) / 2;
            (offset_at(mid) < offset_at(start) ? hi : lo) = mid;
        }
        if (auto again = search(hi, start); again && *again < *at) at = again;
    }
    if (!at) return std::nullopt;
    return *at * 1000;
}

std::optional<std::int64_t> CronSchedule::search(std::int64_t from, std::int64_t start) const {
    auto from_t = static_cast<std::time_t>(from);
    std::tm tm{};
    localtime_r(&from_t, &tm);
    int year = tm.tm_year + 1900, month = tm.tm_mon + 1, day = tm.tm_mday;
    int hour = tm.tm_hour, minute = tm.tm_min, second = std::min(tm.tm_sec, 59);
    const int last_year = year + kCronSearchYears;
    // Each step moves forward to the next value a field allows, zeroing the
    // fields below it, until every field matches.
    auto next_day = [&] {
        hour = minute = second = 0;
        if (++day > days_in_month(year, month)) {
            day = 1;
            if (++month > 12) month = 1, ++year;
        }
    };
    while (year <= last_year) {
        if (!months_[static_cast<std::size_t>(month)]) {
            day = 1, hour = minute = second = 0;
            if (++month > 12) month = 1, ++year;
            continue;
        }
        if (!day_matches(year, month, day)) {
            next_day();
            continue;
        }
        if (int h = next_set(hours_, hour); h != hour) {
            if (h < 0) {
                next_day();
                continue;
            }
            hour = h, minute = second = 0;
        }
        if (int m = next_set(minutes_, minute); m != minute) {
            if (m < 0) {
                minute = 60;  // carried below
            } else {
                minute = m, second = 0;
            }
        }
        if (minute < 60) {
            if (int s = next_set(seconds_, second); s >= 0) {
                second = s;
                std::int64_t local =
                    days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
                std::int64_t at = resolve_local(local, hours_.all(), start);
                if (at >= start) return at;
                ++second;  // a repeated hour's second pass: keep looking
                if (second < 60) continue;
            }
            second = 0;
            ++minute;
        }
        if (minute >= 60) {
            minute = 0, second = 0;
            if (++hour > 23) next_day();
        }
    }
    return std::nullopt;
}

void check_time_zone(const std::string& tz) {
    if (tz.empty()) return;
    auto bad = [&](const char* why) { throw CronError("cron_timezone: '" + tz + "' " + why); };
    if (tz.size() > 64) bad("is longer than 64 characters");
    for (char c : tz)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
            c != '+')
            bad("is not a time zone name (like Europe/Paris)");
    if (tz.front() == '/') bad("must be a name under /usr/share/zoneinfo, not a path");
    for (std::string_view part : split(tz, '/'))
        if (part.empty() || part == "..") bad("is not a time zone name (like Europe/Paris)");
    std::string path = kZoneDir + tz;
    struct stat st {};
    char magic[4] = {};
    std::ifstream file;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) file.open(path, std::ios::binary);
    if (!file || !file.read(magic, 4) || std::string_view(magic, 4) != "TZif")
        bad("is not a known time zone (none in /usr/share/zoneinfo)");
}

void check_schedule(const std::string& text, const std::string& tz, std::int64_t wall_ms) {
    CronSchedule schedule = CronSchedule::parse(text);
    check_time_zone(tz);
    if (!schedule.next_after(wall_ms, tz))
        refuse("'" + text + "' never matches (no time in the next " +
               std::to_string(kCronSearchYears) + " years)");
}

}  // namespace tend
