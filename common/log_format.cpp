// Date formats for log lines: compiled once into parts, rendered once per
// second (the milliseconds are patched in per batch of lines).
#include "common/log_format.h"

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace tend {
namespace {

struct MomentToken {
    std::string_view text;
    int piece;  // DateFormat::Piece, as an int: the enum is private
};

// Letters moment gives a meaning tend does not render: refused rather than
// printed as they are, so "MMM" or "Do" is not silently wrong.
constexpr std::string_view kMomentLetters = "YMDHhmsSAaZdEeWwyGgQkXxNzL";

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// glibc's strftime conversions (the E and O modifiers, flags and a width
// may come first); anything else is refused.
constexpr std::string_view kStrftimeConversions = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ";

void append_number(std::string& out, long value, int width) {
    std::array<char, 24> digits{};
    auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    auto len = static_cast<int>(end - digits.data());
    for (int i = len; i < width; ++i) out += '0';
    out.append(digits.data(), end);
}

// "+01:00" (colon) or "+0100".
void append_offset(std::string& out, long gmtoff, bool colon) {
    out += gmtoff < 0 ? '-' : '+';
    long minutes = (gmtoff < 0 ? -gmtoff : gmtoff) / 60;
    append_number(out, minutes / 60, 2);
    if (colon) out += ':';
    append_number(out, minutes % 60, 2);
}

void append_strftime(std::string& out, const std::string& format, const std::tm& tm) {
    // A trailing space tells an empty result ("%p" in some locales) from a
    // buffer too small; each directive renders to far less than 32 bytes.
    std::string with_end = format + ' ';
    std::string buf(64 + 32 * with_end.size(), '\0');
    std::size_t n = std::strftime(buf.data(), buf.size(), with_end.c_str(), &tm);
    if (n > 0) out.append(buf.data(), n - 1);
}

// The length of a strftime directive at text[i] == '%' (flags, width, E/O,
// conversion), or 0 when it is not one.
std::size_t directive_length(std::string_view text, std::size_t i) {
    std::size_t j = i + 1;
    while (j < text.size() && std::string_view("_-0^#").find(text[j]) != std::string_view::npos)
        ++j;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j < text.size() && (text[j] == 'E' || text[j] == 'O')) ++j;
    if (j >= text.size() || kStrftimeConversions.find(text[j]) == std::string_view::npos) return 0;
    return j + 1 - i;
}

}  // namespace

DateFormat DateFormat::parse(std::string_view text) {
    if (text.size() > kMaxDateFormatLength)
        throw std::invalid_argument("longer than " + std::to_string(kMaxDateFormatLength) +
                                    " characters");
    return text.find('%') != std::string_view::npos ? parse_strftime(text) : parse_moment(text);
}

void DateFormat::add_text(Piece piece, std::string_view text) {
    if (text.empty()) return;
    if (!parts_.empty() && parts_.back().piece == piece) {
        parts_.back().text.append(text);
    } else {
        parts_.push_back({piece, std::string(text)});
    }
}

DateFormat DateFormat::parse_moment(std::string_view text) {
    static constexpr std::array<MomentToken, 19> kTokens{{
        {"YYYY", static_cast<int>(Piece::kYear4)},   {"YY", static_cast<int>(Piece::kYear2)},
        {"MM", static_cast<int>(Piece::kMonth2)},    {"M", static_cast<int>(Piece::kMonth)},
        {"DD", static_cast<int>(Piece::kDay2)},      {"D", static_cast<int>(Piece::kDay)},
        {"HH", static_cast<int>(Piece::kHour2)},     {"H", static_cast<int>(Piece::kHour)},
        {"hh", static_cast<int>(Piece::kHour12Pad)}, {"h", static_cast<int>(Piece::kHour12)},
        {"mm", static_cast<int>(Piece::kMinute2)},   {"m", static_cast<int>(Piece::kMinute)},
        {"ss", static_cast<int>(Piece::kSecond2)},   {"s", static_cast<int>(Piece::kSecond)},
        {"SSS", static_cast<int>(Piece::kMillis)},   {"A", static_cast<int>(Piece::kAmPmUpper)},
        {"a", static_cast<int>(Piece::kAmPmLower)},  {"Z", static_cast<int>(Piece::kOffsetColon)},
        {"ZZ", static_cast<int>(Piece::kOffset)},
    }};
    DateFormat f;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (c == '[') {
            std::size_t end = text.find(']', i + 1);
            if (end == std::string_view::npos)
                throw std::invalid_argument("'[' at " + std::to_string(i + 1) +
                                            " has no closing ']'");
            f.add_text(Piece::kText, text.substr(i + 1, end - i - 1));
            i = end + 1;
            continue;
        }
        std::size_t n = 1;
        if (is_letter(c))
            while (i + n < text.size() && text[i + n] == c) ++n;
        // moment's ordinals ("Do": "23rd") are not rendered: refused below.
        if (kMomentLetters.find(c) != std::string_view::npos && i + n < text.size() &&
            text[i + n] == 'o')
            ++n;
        std::string_view run = text.substr(i, n);
        i += n;
        if (!is_letter(c) || kMomentLetters.find(c) == std::string_view::npos) {
            f.add_text(Piece::kText, run);
            continue;
        }
        bool known = false;
        for (const auto& token : kTokens) {
            if (token.text != run) continue;
            f.parts_.push_back({static_cast<Piece>(token.piece), {}});
            known = true;
        }
        if (!known)
            throw std::invalid_argument(
                "unknown token '" + std::string(run) +
                "' (tokens: YYYY YY MM M DD D HH H hh h mm m ss s SSS A a Z ZZ; "
                "[text] is kept as it is)");
    }
    return f;
}

DateFormat DateFormat::parse_strftime(std::string_view text) {
    DateFormat f;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '%') {
            f.add_text(Piece::kStrftime, text.substr(i, 1));
            ++i;
            continue;
        }
        std::string_view rest = text.substr(i);
        if (rest.starts_with("%L") || rest.starts_with("%3N")) {
            f.parts_.push_back({Piece::kMillis, {}});
            i += rest.starts_with("%L") ? 2 : 3;
        } else if (rest.starts_with("%%")) {
            f.add_text(Piece::kStrftime, "%%");
            i += 2;
        } else if (std::size_t len = directive_length(text, i); len > 0) {
            f.add_text(Piece::kStrftime, text.substr(i, len));
            i += len;
        } else {
            throw std::invalid_argument("unknown directive '" + std::string(rest.substr(0, 2)) +
                                        "' (strftime's, with %L or %3N for milliseconds)");
        }
    }
    return f;
}

void DateFormat::render(std::time_t second, bool utc, std::string& out,
                        std::vector<std::size_t>& ms_at) const {
    std::tm tm{};
    if (utc) {
        gmtime_r(&second, &tm);
    } else {
        localtime_r(&second, &tm);
    }
    int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
    for (const Part& part : parts_) {
        switch (part.piece) {
            case Piece::kText:
                out += part.text;
                break;
            case Piece::kStrftime:
                append_strftime(out, part.text, tm);
                break;
            case Piece::kYear4:
                append_number(out, tm.tm_year + 1900L, 4);
                break;
            case Piece::kYear2:
                append_number(out, (tm.tm_year + 1900L) % 100, 2);
                break;
            case Piece::kMonth2:
                append_number(out, tm.tm_mon + 1, 2);
                break;
            case Piece::kMonth:
                append_number(out, tm.tm_mon + 1, 1);
                break;
            case Piece::kDay2:
                append_number(out, tm.tm_mday, 2);
                break;
            case Piece::kDay:
                append_number(out, tm.tm_mday, 1);
                break;
            case Piece::kHour2:
                append_number(out, tm.tm_hour, 2);
                break;
            case Piece::kHour:
                append_number(out, tm.tm_hour, 1);
                break;
            case Piece::kHour12Pad:
                append_number(out, hour12, 2);
                break;
            case Piece::kHour12:
                append_number(out, hour12, 1);
                break;
            case Piece::kMinute2:
                append_number(out, tm.tm_min, 2);
                break;
            case Piece::kMinute:
                append_number(out, tm.tm_min, 1);
                break;
            case Piece::kSecond2:
                append_number(out, tm.tm_sec, 2);
                break;
            case Piece::kSecond:
                append_number(out, tm.tm_sec, 1);
                break;
            case Piece::kMillis:
                ms_at.push_back(out.size());
                out += "000";
                break;
            case Piece::kAmPmUpper:
                out += tm.tm_hour < 12 ? "AM" : "PM";
                break;
            case Piece::kAmPmLower:
                out += tm.tm_hour < 12 ? "am" : "pm";
                break;
            case Piece::kOffsetColon:
                append_offset(out, tm.tm_gmtoff, true);
                break;
            case Piece::kOffset:
                append_offset(out, tm.tm_gmtoff, false);
                break;
        }
    }
}

std::string DateFormat::format(std::int64_t ms, bool utc) const {
    std::int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    std::string out;
    std::vector<std::size_t> ms_at;
    render(static_cast<std::time_t>(seconds), utc, out, ms_at);
    write_millis(out, ms_at, ms);
    return out;
}

void write_millis(std::string& text, const std::vector<std::size_t>& ms_at, std::int64_t ms) {
    auto millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
    for (std::size_t at : ms_at) {
        text[at] = static_cast<char>('0' + millis / 100);
        text[at + 1] = static_cast<char>('0' + millis / 10 % 10);
        text[at + 2] = static_cast<char>('0' + millis % 10);
    }
}

LogType parse_log_type(std::string_view text) {
    if (text.empty() || text == "text") return LogType::kText;
    if (text == "json") return LogType::kJson;
    throw std::invalid_argument("expected 'text' or 'json', got '" + std::string(text) + "'");
}

LogFormat log_format_of(const LogOptions& logs) {
    LogFormat f;
    f.type = logs.log_type == "json" ? LogType::kJson : LogType::kText;
    f.date_format = logs.date_format;
    f.utc = logs.date_utc;
    if (f.date_format.empty() && f.type == LogType::kJson) {
        f.date_format = kJsonTimeFormat;
        f.utc = true;  // its 'Z' says so
    } else if (f.date_format.empty() && logs.time) {
        f.date_format = kTimeFlagFormat;
    }
    return f;
}

void check_log_format(const LogOptions& logs) {
    try {
        parse_log_type(logs.log_type);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("log_type: ") + e.what());
    }
    try {
        if (!logs.date_format.empty()) DateFormat::parse(logs.date_format);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("log_date_format: ") + e.what());
    }
}

}  // namespace tend
