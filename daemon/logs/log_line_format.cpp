// Time prefixes and JSON lines for the pipe reader, and the way back for
// `tend logs`. The JSON is written by hand: one escape pass over each line,
// no value built per line.
#include "daemon/logs/log_line_format.h"

#include <ctime>

#include "common/json_limits.h"
#include "common/text.h"
#include "daemon/logs/line_cutter.h"

namespace tend {
namespace {

bool continuation(std::string_view s, std::size_t i, unsigned char lo = 0x80,
                  unsigned char hi = 0xBF) {
    if (i >= s.size()) return false;
    auto c = static_cast<unsigned char>(s[i]);
    return c >= lo && c <= hi;
}

// The length of the valid UTF-8 sequence at s[i] (a byte >= 0x80), or 0:
// no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xC2 && c <= 0xDF) return continuation(s, i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : 0xBF;
        return continuation(s, i + 1, lo, hi) && continuation(s, i + 2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return continuation(s, i + 1, lo, hi) && continuation(s, i + 2) && continuation(s, i + 3)
                   ? 4
                   : 0;
    }
    return 0;
}

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        default:
            break;
    }
    if (c >= 0x80) {
        out += "\xEF\xBF\xBD";  // U+FFFD, the replacement character
        return;
    }
    constexpr std::string_view kHex = "0123456789abcdef";
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
}

// Whether s goes into a JSON string as it is (printable ASCII, no quote or
// backslash): the common line, kept without a copy.
bool json_clean(std::string_view s) {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
    }
    return true;
}

// "Z" → 0, "+01:00" / "+0100" → 3600 (seconds east of UTC); nullopt-like
// false when the zone is neither.
bool read_zone(std::string_view zone, long& east) {
    if (zone == "Z") {
        east = 0;
        return true;
    }
    if (zone.size() != 6 && zone.size() != 5) return false;
    if (zone[0] != '+' && zone[0] != '-') return false;
    int hours = read_fixed_digits(zone, 1, 2);
    std::size_t min_at = zone.size() == 6 ? 4 : 3;
    if (zone.size() == 6 && zone[3] != ':') return false;
    int minutes = read_fixed_digits(zone, min_at, 2);
    if (hours < 0 || minutes < 0) return false;
    east = (hours * 60L + minutes) * 60L * (zone[0] == '-' ? -1 : 1);
    return true;
}

}  // namespace

void append_json_chars(std::string& out, std::string_view s) {
    std::size_t run = 0;  // start of the bytes to copy as they are
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = utf8_length(s, i); n > 0) {
                i += n;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        append_escape(out, c);
        run = ++i;
    }
    out.append(s.data() + run, i - run);
}

LineFormatter::LineFormatter(const LogFormat& format, const LineOrigin& origin)
    : date_(DateFormat::parse(format.date_format)),
      json_(format.type == LogType::kJson),
      utc_(format.utc) {
    if (!json_) {
        if (format.label) {
            head_.append(origin.app).append("-").append(std::to_string(origin.instance));
            head_.append(" | ");
        }
        if (!format.date_format.empty()) tail_ = ": ";
        return;
    }
    head_ = R"({"time":")";
    tail_ = R"(","app":")";
    append_json_chars(tail_, origin.app);
    tail_.append(R"(","id":)").append(std::to_string(origin.id));
    tail_.append(R"(,"instance":)").append(std::to_string(origin.instance));
    tail_.append(R"(,"stream":")");
    append_json_chars(tail_, origin.stream);
    tail_.append(R"(","message":")");
}

std::string_view LineFormatter::prefix(std::int64_t ms) {
    std::int64_t second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != second_) {
        second_ = second;
        prefix_ = head_;
        ms_at_.clear();
        std::string time;
        std::vector<std::size_t> at;
        date_.render(static_cast<std::time_t>(second), utc_, time, at);
        // JSON's time is escaped around the milliseconds, whose digits need
        // no escaping.
        auto add = [this](std::string_view piece) {
            if (json_) {
                append_json_chars(prefix_, piece);
            } else {
                prefix_ += piece;
            }
        };
        std::size_t from = 0;
        for (std::size_t a : at) {
            add(std::string_view(time).substr(from, a - from));
            ms_at_.push_back(prefix_.size());
            prefix_ += "000";
            from = a + 3;
        }
        add(std::string_view(time).substr(from));
        prefix_ += tail_;
    }
    write_millis(prefix_, ms_at_, ms);
    return prefix_;
}

std::string_view LineFormatter::body(std::string_view line) {
    if (!json_ || json_clean(line)) return line;
    body_.clear();
    append_json_chars(body_, line);
    return body_;
}

std::string_view LineFormatter::ending(bool split) const {
    static constexpr std::string_view kJsonEnd = "\"}\n";
    static constexpr std::string_view kJsonSplitEnd = " [tend: line split]\"}\n";
    static_assert(kJsonSplitEnd.substr(0, LineCutter::kSplitMarker.size()) ==
                  LineCutter::kSplitMarker);
    if (json_) return split ? kJsonSplitEnd : kJsonEnd;
    return split ? LineCutter::kSplitEnding : std::string_view("\n");
}

StoredLine decode_stored_line(std::string raw, LogType type) {
    if (type != LogType::kJson) return {std::move(raw), 0};
    ParsedJson parsed = parse_json_limited(raw);
    const json& v = parsed.value;
    if (!parsed.ok() || !v.is_object()) return {std::move(raw), 0};
    auto message = v.find("message");
    if (message == v.end() || !message->is_string()) return {std::move(raw), 0};
    StoredLine line{message->get<std::string>(), 0};
    if (auto time = v.find("time"); time != v.end() && time->is_string())
        line.time = parse_iso_time_ms(time->get_ref<const std::string&>());
    return line;
}

std::int64_t parse_iso_time_ms(std::string_view text) {
    // YYYY-MM-DD?HH:MM:SS, then .mmm, then the zone.
    std::optional<DateTimeText> parsed = parse_date_time(text, false);
    if (!parsed) return 0;
    std::tm& tm = parsed->tm;
    std::string_view rest = text.substr(19);
    int millis = 0;
    if (rest.starts_with('.')) {
        millis = read_fixed_digits(rest, 1, 3);
        if (millis < 0) return 0;
        rest.remove_prefix(4);
    }
    std::time_t seconds = 0;
    if (rest.empty()) {
        seconds = std::mktime(&tm);
    } else {
        long east = 0;
        if (!read_zone(rest, east)) return 0;
        seconds = timegm(&tm) - east;
    }
    if (seconds <= 0) return 0;
    return static_cast<std::int64_t>(seconds) * 1000 + millis;
}

}  // namespace tend
