// Signal names as users type them (SIGTERM, TERM, 15) and as tend prints them.
#pragma once

#include <string>
#include <string_view>

namespace tend {

// 0 when the name is not a known signal.
int signal_number(std::string_view name);
// "SIGTERM" for 15; "SIG<n>" for one without a name.
std::string signal_name(int number);

}  // namespace tend
