// A cron expression (cron_restart) and the next time it fires: pure, no
// clock of its own. 5 fields (minute hour day-of-month month day-of-week) or
// 6 with seconds first; `*`, lists, ranges, steps, month and weekday names,
// 0 and 7 both Sunday, the @hourly...@yearly macros, and Vixie cron's rule
// that a day matches either restricted day field when both are restricted.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tend {

// A bad expression or time zone; the message names the field and the value.
class CronError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// The longest expression accepted: every real one is far shorter, and the
// parser then never works on a client's megabyte.
inline constexpr std::size_t kMaxCronLength = 256;
// How far ahead next_after() looks before it calls an expression one that
// never fires: 8 years is the longest gap between two February 29ths.
inline constexpr int kCronSearchYears = 10;

class CronSchedule {
  public:
    // Throws CronError naming the field ("cron_restart: hour 25 is out of 0-23").
    static CronSchedule parse(std::string_view text);

    // The first firing strictly after wall_ms (ms since the epoch), at a
    // whole second, in time zone tz (an IANA name; "" = the process's local
    // time); nullopt when none comes within kCronSearchYears. A local time
    // that does not exist (the hour skipped in spring) fires at the moment
    // the clocks jump, as Vixie cron runs such jobs; one that occurs twice
    // (the hour repeated in autumn) fires once, at its first occurrence.
    // Throws CronError for an unknown zone.
    std::optional<std::int64_t> next_after(std::int64_t wall_ms, const std::string& tz) const;

    bool has_seconds() const { return has_seconds_; }

    // The values each field allows, for writing the expression in another
    // syntax (`tend export systemd`'s OnCalendar=). A day field given as
    // `*...` is not restricted: with either one so, a day must match both.
    const std::bitset<60>& seconds() const { return seconds_; }
    const std::bitset<60>& minutes() const { return minutes_; }
    const std::bitset<24>& hours() const { return hours_; }
    const std::bitset<32>& days() const { return days_; }
    const std::bitset<13>& months() const { return months_; }
    const std::bitset<7>& weekdays() const { return weekdays_; }
    bool days_restricted() const { return !days_star_; }
    bool weekdays_restricted() const { return !weekdays_star_; }

  private:
    bool day_matches(int year, int month, int day) const;
    // The first firing at or after start (seconds), walking local times from
    // instant from's; the zone is already set.
    std::optional<std::int64_t> search(std::int64_t from, std::int64_t start) const;

    std::bitset<60> seconds_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;        // 1-31
    std::bitset<13> months_;      // 1-12
    std::bitset<7> weekdays_;     // 0-6, Sunday 0
    bool days_star_ = false;      // day-of-month given as `*...`: not restricted
    bool weekdays_star_ = false;  // day-of-week likewise
    bool has_seconds_ = false;
};

// Throws CronError unless tz is "" or the name of a TZif file under
// /usr/share/zoneinfo (no "..", no absolute path).
void check_time_zone(const std::string& tz);

// Parses text, checks tz and that the expression fires at all (from
// wall_ms): what validate() and the CLI refuse a schedule for. Throws CronError.
void check_schedule(const std::string& text, const std::string& tz, std::int64_t wall_ms);

}  // namespace tend
