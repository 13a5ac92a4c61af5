// `tend logs --since`: a duration back from now ("90s", "10m", "2h", "1d")
// or a local date and time ("2026-11-29T10:00", "2026-11-29 10:00:30").
#pragma once

#include <cstdint>
#include <string_view>

namespace tend {

// Milliseconds since the epoch of the moment text names; now_ms is the
// present. Throws UsageError "--since: expected a duration (10m: s, m, h,
// d) or a local time (2026-11-29T10:00[:SS]), got '<text>'".
std::int64_t parse_since(std::string_view text, std::int64_t now_ms);

}  // namespace tend
