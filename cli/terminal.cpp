// TTY and NO_COLOR detection, and the colours tend uses.
#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace tend {

bool colour_wanted(bool is_tty, const char* no_color) {
    return is_tty && (no_color == nullptr || *no_color == '\0');
}

bool colour_enabled(int fd) {
    return colour_wanted(isatty(fd) == 1, std::getenv("NO_COLOR"));
}

Palette palette(bool colour) {
    if (!colour) return Palette{};
    return Palette{"\033[31m", "\033[32m", "\033[33m", "\033[34m", "\033[35m",
                   "\033[36m", "\033[90m", "\033[1m",  "\033[0m"};
}

}  // namespace tend
