// Text made safe and sized for a terminal cell: app output loses its escape
// sequences and control characters, and values are cut or padded to fit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tend {

enum class Align { kLeft, kRight };

// text in exactly width columns: padded with spaces on the side away from
// align, or cut with a trailing "…" when longer. Counts code points as columns.
std::string fit(std::string_view text, std::size_t width, Align align = Align::kLeft);

// fit() for paths: a long text keeps its end, after a leading "…", so a
// log file's name stays readable.
std::string fit_end(std::string_view text, std::size_t width);

// A log line as it may be drawn: ANSI escape sequences and control
// characters removed, tabs expanded to the next multiple of eight columns.
std::string printable(std::string_view line);

}  // namespace tend
