// The commented ecosystem.config.js that `tend ecosystem` writes.
#pragma once

#include <string_view>

namespace tend {

inline constexpr std::string_view kSampleEcosystemName = "ecosystem.config.js";

// The file's text: two apps showing the options tend reads.
std::string_view sample_ecosystem();

}  // namespace tend
