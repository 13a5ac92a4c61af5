// The last lines of a log file, for `tend logs`: read backwards from the end
// of the file in blocks, then followed by what is still queued in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// Reads at most this much of a file for one tail.
inline constexpr std::size_t kTailReadCap = std::size_t{64} << 20;

// The last n lines of text, oldest first, without their '\n'. A last line
// without a '\n' counts as a line.
std::vector<std::string_view> last_lines(std::string_view text, std::size_t n);

// The last n lines of the file at path, considering only its first disk_end
// bytes (all of it when disk_end < 0), followed by the whole lines in
// queued_a then queued_b. Oldest first. A missing file reads as empty; other
// errors throw TendError(kBadRequest) "cannot read log file '<path>': ...".
std::vector<std::string> tail_log(const std::string& path, int n, std::int64_t disk_end,
                                  std::string_view queued_a, std::string_view queued_b,
                                  std::size_t read_cap = kTailReadCap);

}  // namespace tend
