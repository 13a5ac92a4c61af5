// How an app's captured lines are stored: plain, prefixed with the capture
// time (`--time`, `log_date_format`), or one JSON object per line
// (`log_type: json`). The date formats are what PM2 users write: moment /
// dayjs tokens, or strftime directives. Pure code, shared by the CLI (which
// refuses a bad format at `tend start`) and the daemon (which writes them).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/app_spec.h"

namespace tend {

enum class LogType { kText, kJson };

// A log_date_format longer than this is refused: it is rendered into every
// line, and comes from a file or over the wire.
inline constexpr std::size_t kMaxDateFormatLength = 256;

// --time's format ("2026-11-23T18:59:01"), and the JSON lines' default time
// ("2026-11-30T04:35:01.123Z", always UTC).
inline constexpr std::string_view kTimeFlagFormat = "YYYY-MM-DDTHH:mm:ss";
inline constexpr std::string_view kJsonTimeFormat = "YYYY-MM-DDTHH:mm:ss.SSS[Z]";

// A compiled date format. With a '%' it is strftime's (plus %L and %3N, the
// milliseconds); without, moment's tokens: YYYY YY MM M DD D HH H hh h mm m
// ss s SSS A a Z ZZ, [literal] text, anything else as it is.
class DateFormat {
  public:
    // Throws std::invalid_argument naming what is wrong ("unknown token 'MMM'").
    static DateFormat parse(std::string_view text);

    // Appends the given second to out (UTC or local time), with "000" where
    // the milliseconds go; their offsets in out are appended to ms_at, for
    // the caller to fill in per line (write_millis) while the second lasts.
    void render(std::time_t second, bool utc, std::string& out,
                std::vector<std::size_t>& ms_at) const;

    // The whole text for a time in ms since the epoch.
    std::string format(std::int64_t ms, bool utc) const;

  private:
    enum class Piece : std::uint8_t {
        kText,  // text as it is
        kStrftime,
        kYear4,
        kYear2,
        kMonth2,
        kMonth,
        kDay2,
        kDay,
        kHour2,
        kHour,
        kHour12Pad,
        kHour12,
        kMinute2,
        kMinute,
        kSecond2,
        kSecond,
        kMillis,
        kAmPmUpper,
        kAmPmLower,
        kOffsetColon,  // +01:00
        kOffset,       // +0100
    };
    struct Part {
        Piece piece;
        std::string text;  // of kText and kStrftime
    };
    static DateFormat parse_moment(std::string_view text);
    static DateFormat parse_strftime(std::string_view text);
    void add_text(Piece piece, std::string_view text);

    std::vector<Part> parts_;
};

// Writes the 3 digits of ms % 1000 at each offset of ms_at in text.
void write_millis(std::string& text, const std::vector<std::size_t>& ms_at, std::int64_t ms);

// "text" or "" → kText, "json" → kJson; throws std::invalid_argument.
LogType parse_log_type(std::string_view text);

// What the daemon needs to write an app's lines.
struct LogFormat {
    LogType type = LogType::kText;
    std::string date_format;  // text: the prefix ("" = none); json: the time field
    bool utc = false;
    // text: each line starts with "<app>-<instance> | " (tend-runtime's
    // console, where every app writes to one stream).
    bool label = false;

    // Lines go to the file as the app wrote them: the fast path.
    bool plain() const { return type == LogType::kText && date_format.empty() && !label; }
    bool operator==(const LogFormat&) const = default;
};

// An app's format from its spec: log_date_format wins over --time, which is
// kTimeFlagFormat; JSON lines without a format get kJsonTimeFormat in UTC.
LogFormat log_format_of(const LogOptions& logs);

// Throws std::invalid_argument when logs' type or date format is bad.
void check_log_format(const LogOptions& logs);

}  // namespace tend
