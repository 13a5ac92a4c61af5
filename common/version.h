// The one place that names tend's version and the control protocol's version.
// The CLI sends both on every request; the daemon refuses a mismatch.
#pragma once

namespace tend {

inline constexpr const char* kVersion = "0.1.0";
inline constexpr int kProtocolVersion = 1;

}  // namespace tend
