// Small text helpers both sides use: "did you mean", durations, sizes.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// Edit distance between two words (a swap of neighbours counts as one).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a small distance, for "did you mean 'x'?".
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "3s", "12m", "5h", "2D" as in pm2 list.
std::string format_uptime(std::int64_t ms);

// "1.2mb", "512kb", "0b".
std::string format_bytes(std::int64_t bytes);

// A size as users write it: "200M", "512K", "1G", "1.5G", "300000" (bytes);
// K/M/G are powers of 1024, case-insensitive, an optional trailing B is
// accepted ("200MB"). nullopt on anything else or on zero.
std::optional<std::int64_t> parse_size(std::string_view text);

// Milliseconds as PM2 writes them: "500", "500ms", "2s", "1m", "1h".
// nullopt on anything else, or past what an int64 of milliseconds holds.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

// Parses a whole non-negative decimal integer; nullopt on anything else.
std::optional<std::int64_t> parse_int(std::string_view text);

// Exactly `digits` decimal digits at text[at], as a number; -1 when they
// are not there.
int read_fixed_digits(std::string_view text, std::size_t at, std::size_t digits);

// A date and time at the start of text as people and ISO 8601 write it,
// "YYYY-MM-DDTHH:MM:SS" (a space may stand for the T); with
// seconds_optional, "YYYY-MM-DDTHH:MM" too. Its fields in a std::tm (year
// from 1900, month from 0, tm_isdst -1), each in range, and how many
// characters it took; nullopt when text does not start with one.
struct DateTimeText {
    std::tm tm{};
    std::size_t length = 0;
};
std::optional<DateTimeText> parse_date_time(std::string_view text, bool seconds_optional);

}  // namespace tend
