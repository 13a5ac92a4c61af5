// Sparkline rendering: each sample picks one of eight block heights.
#include "cli/monit/sparkline.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <vector>

namespace tend {
namespace {

constexpr std::array<std::string_view, 8> kBlocks{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

// The block for one sample: value / max in eighths, rounded up, at least the
// lowest block.
std::string_view block_for(double value, double max) {
    if (!(value > 0) || !(max > 0)) return kBlocks.front();
    double level = std::ceil(value / max * static_cast<double>(kBlocks.size()));
    auto index = static_cast<std::size_t>(std::clamp(level, 1.0, 8.0)) - 1;
    return kBlocks[index];
}

}  // namespace

std::string sparkline(std::span<const double> samples, std::size_t width, double max) {
    std::size_t shown = std::min(samples.size(), width);
    auto recent = samples.subspan(samples.size() - shown);
    if (!(max > 0) && !recent.empty()) max = *std::max_element(recent.begin(), recent.end());
    std::string line(width - shown, ' ');
    for (double value : recent) line += block_for(value, max);
    return line;
}

std::string sparkline(std::span<const std::int64_t> samples, std::size_t width, double max) {
    std::vector<double> values(samples.begin(), samples.end());
    return sparkline(std::span<const double>(values), width, max);
}

}  // namespace tend
