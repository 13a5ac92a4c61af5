// The completion scripts of completions/, compiled in at build time so that
// `tend completion bash` prints exactly the file `cmake --install` installs.
#pragma once

#include <string_view>

namespace tend {

// The script for shell ("bash", "zsh", "fish"); empty for any other word.
std::string_view completion_script(std::string_view shell);

}  // namespace tend
