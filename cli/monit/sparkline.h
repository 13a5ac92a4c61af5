// Sparklines for the dashboard: a series of samples as a row of block
// characters (▁▂▃▄▅▆▇█), one column per sample, newest on the right.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tend {

// The last `width` samples as block characters scaled so that `max` fills a
// cell; a sample at or below zero is the lowest block, one at or above max
// the full block. Fewer samples than width are padded with spaces on the
// left, so the newest sample is always in the last column. A max at or
// below zero scales to the largest sample (a flat line when all are zero).
std::string sparkline(std::span<const double> samples, std::size_t width, double max = 0);

// sparkline() for memory samples in bytes.
std::string sparkline(std::span<const std::int64_t> samples, std::size_t width, double max = 0);

}  // namespace tend
