// Checks of option values that throw UsageError with the user's text quoted.
#include "cli/usage_error.h"

#include <limits>

#include "common/text.h"

namespace tend {

std::int64_t parse_option_int(std::string_view option, std::string_view text) {
    if (auto value = parse_int(text)) return *value;
    throw UsageError(std::string(option) + ": expected a non-negative integer, got '" +
                     std::string(text) + "'");
}

int parse_option_small_int(std::string_view option, std::string_view text) {
    std::int64_t value = parse_option_int(option, text);
    if (value > std::numeric_limits<int>::max())
        throw UsageError(std::string(option) + ": expected a non-negative integer, got '" +
                         std::string(text) + "'");
    return static_cast<int>(value);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    auto match = closest_match(word, candidates);
    return match ? " (did you mean '" + *match + "'?)" : "";
}

}  // namespace tend
