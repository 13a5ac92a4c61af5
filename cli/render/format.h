// Small text helpers the renderers share: terminal width of UTF-8 text,
// padding, local times, CPU percentages and shell-style quoting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// Columns text takes on a terminal, counting each UTF-8 code point as one.
std::size_t display_width(std::string_view text);

// text followed by spaces up to width columns.
std::string pad_right(std::string_view text, std::size_t width);

// Local time of ms since the epoch as strftime(format) would print it.
std::string format_local_time(std::int64_t ms, const char* format);

// "0.5%", "12%", "100%": one decimal, a trailing ".0" dropped.
std::string format_cpu(double percent);

// argv joined with spaces, each word single-quoted when the shell would need it.
std::string join_command_line(const std::vector<std::string>& argv);

}  // namespace tend
