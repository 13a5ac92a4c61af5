// Whether tend may colour its output: only on a terminal, and never when the
// user set NO_COLOR (https://no-color.org).
#pragma once

namespace tend {

// The rule itself, for tests: a TTY and NO_COLOR unset or empty.
bool colour_wanted(bool is_tty, const char* no_color);

// colour_wanted() for the given file descriptor and this process's environment.
bool colour_enabled(int fd);

// ANSI sequences the renderers use; empty strings when colour is off.
struct Palette {
    const char* red = "";
    const char* green = "";
    const char* yellow = "";
    const char* blue = "";
    const char* magenta = "";
    const char* cyan = "";
    const char* grey = "";
    const char* bold = "";
    const char* reset = "";
};

Palette palette(bool colour);

}  // namespace tend
