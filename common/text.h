// Small text helpers both sides use: "did you mean", durations, sizes.
#pragma once

#include <cstdint>
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

}  // namespace tend
