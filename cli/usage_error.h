// What a command line that does not parse throws (exit 2), and the checks of
// option values that throw it, so every bad value reads the same way.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// A command line the user must fix; run() prints it and exits 2.
class UsageError : public std::runtime_error {
  public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

// Parses the value of an integer option such as --lines; throws
// "--lines: expected a non-negative integer, got 'x'" otherwise.
std::int64_t parse_option_int(std::string_view option, std::string_view text);

// parse_option_int for an option stored in an int; values past INT_MAX fail too.
int parse_option_small_int(std::string_view option, std::string_view text);

// " (did you mean 'x'?)" with the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace tend
