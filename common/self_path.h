// Where the running program is, and its siblings: tend, tendd, tend-keeper
// and tend-runtime are installed (and built) side by side.
#pragma once

#include <string>
#include <string_view>

namespace tend {

// The path of the program named name in the running program's directory,
// or "" when /proc/self/exe cannot be read. Whether it exists is the
// caller's question.
std::string program_beside_self(std::string_view name);

}  // namespace tend
