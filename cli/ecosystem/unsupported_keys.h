// The warning for a PM2 key tend does not read: the key by name, and what
// to use instead where tend has an equivalent, so a moved ecosystem file
// says what it lost.
#pragma once

#include <string>
#include <string_view>

namespace tend {

// "FILE: apps[0].log_date_format is not supported, ignored: use time: true
// (--time) for timestamps". where is the key's path ("FILE: apps[0].KEY").
std::string unsupported_key_warning(const std::string& where, std::string_view key);

// What to use instead of key, or "" when tend has nothing like it.
std::string_view unsupported_key_hint(std::string_view key);

}  // namespace tend
