// The formatted forms of a captured line: a time prefix (`--time`,
// `log_date_format`) or one JSON object per line (`log_type: json`), and
// the way back from a stored JSON line to what the app wrote, for `tend
// logs`. Pure code: the pipe reader calls it per line (plain lines never
// come here), the logs handler per line of a tail.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_format.h"

namespace tend {

// Appends s to out as the inside of a JSON string: quotes, backslashes and
// control characters escaped, each byte that is not part of valid UTF-8
// replaced by U+FFFD, so the file stays valid JSON whatever the app wrote.
void append_json_chars(std::string& out, std::string_view s);

// Who wrote the lines a formatter formats (JSON's fields).
struct LineOrigin {
    std::string_view app;
    int id = 0;
    int instance = 0;
    std::string_view stream;  // "out" or "err"
};

// One reader's lines as stored: prefix(ms) + body(line) + ending(split).
// The time is rendered once per second; the milliseconds are written into
// it for each batch of lines.
class LineFormatter {
  public:
    // format must not be plain(). Throws std::invalid_argument on a bad date
    // format (validate() refuses one before it gets here).
    LineFormatter(const LogFormat& format, const LineOrigin& origin);

    // What comes before each line captured at ms (since the epoch): "<time>: "
    // or a JSON object's fields up to its message. Valid until the next call.
    std::string_view prefix(std::int64_t ms);
    // The line itself, escaped for JSON; a view of line when nothing needs
    // escaping. Valid until the next call.
    std::string_view body(std::string_view line);
    // The end of a line, or of a piece of an overlong line (split).
    std::string_view ending(bool split) const;

  private:
    DateFormat date_;
    bool json_;
    bool utc_;
    std::string head_;  // before the time: `{"time":"` for JSON
    std::string tail_;  // after it: ": ", or JSON's other fields up to the message
    std::int64_t second_ = std::numeric_limits<std::int64_t>::min();
    std::string prefix_;
    std::vector<std::size_t> ms_at_;  // where the milliseconds go in prefix_
    std::string body_;
};

// A line read back from a log file.
struct StoredLine {
    std::string message;    // as the app wrote it
    std::int64_t time = 0;  // ms since the epoch; 0 when not known
};

// A JSON line's message and time (read when it is ISO 8601, as by
// default), or the raw line when it is not such an object; a text line as
// it is (a time prefix stays part of it). Takes raw to move it back.
StoredLine decode_stored_line(std::string raw, LogType type);

// "2026-11-30T04:35:01.123Z", "2026-11-30 05:35:01+01:00", or without a
// zone in local time; milliseconds optional. nullopt-like 0 when it is not.
std::int64_t parse_iso_time_ms(std::string_view text);

}  // namespace tend
