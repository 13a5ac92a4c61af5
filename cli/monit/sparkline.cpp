// Sparkline rendering: each sample picks one of eight block heights within
// a scale taken from the samples shown.
//
// CPU is scaled like memory, from the samples, not on a fixed 0..100% (or
// 0..cores x 100%) axis: there each block is 12.5 points, so the few percent
// a typical app uses would all sit on the lowest block and hide the very
// activity one looks for. The range printed beside the line says what the
// heights mean, and kCpuMinSpan keeps an idle app flat at the bottom.
#include "cli/monit/sparkline.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "cli/render/format.h"
#include "common/text.h"

namespace tend {
namespace {

constexpr std::array<std::string_view, 8> kBlocks{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
// A sample on a block's upper edge, give or take rounding, stays in that
// block: a steady series' exact middle is ▄, not ▅.
constexpr double kEdgeSlack = 1e-9;

// The block for one sample: its place in the scale in eighths, rounded up.
std::string_view block_for(double value, SparkScale scale) {
    double span = scale.high - scale.low;
    if (!(span > 0)) return kBlocks.front();
    double eighths = (value - scale.low) / span * static_cast<double>(kBlocks.size());
    double level = std::ceil(eighths - kEdgeSlack) - 1;
    if (!(level > 0)) return kBlocks.front();  // NaN too
    return kBlocks[static_cast<std::size_t>(std::min(level, 7.0))];
}

std::span<const double> last(std::span<const double> samples, std::size_t width) {
    return samples.subspan(samples.size() - std::min(samples.size(), width));
}

// The digits' unit: what follows the last digit ("mb", "%").
std::string_view unit_of(std::string_view text) {
    auto digit = text.find_last_of("0123456789");
    return digit == std::string_view::npos ? text : text.substr(digit + 1);
}

}  // namespace

SparkScale spark_scale(std::span<const double> samples, double min_span) {
    if (samples.empty()) return {};
    auto [lowest, highest] = std::minmax_element(samples.begin(), samples.end());
    SparkScale scale{*lowest, *highest};
    if (scale.high - scale.low >= min_span) return scale;
    double middle = (scale.low + scale.high) / 2;
    scale = {middle - min_span / 2, middle + min_span / 2};
    if (*lowest >= 0 && scale.low < 0) scale = {0, min_span};
    return scale;
}

std::string sparkline(std::span<const double> samples, std::size_t width, double min_span) {
    auto shown = last(samples, width);
    SparkScale scale = spark_scale(shown, min_span);
    std::string line;
    for (double value : shown) line += block_for(value, scale);
    return line;
}

std::string range_text(const std::string& low, const std::string& high) {
    std::string_view unit = unit_of(high);
    std::string text(low);
    if (!unit.empty() && unit_of(low) == unit) text.resize(text.size() - unit.size());
    text.append("–").append(high);
    return text;
}

MetricSpark cpu_spark(const std::vector<double>& history, std::size_t width) {
    auto shown = last(history, width);
    if (shown.empty()) return {};
    auto [lowest, highest] = std::minmax_element(shown.begin(), shown.end());
    return {sparkline(shown, width, kCpuMinSpan),
            range_text(format_cpu(*lowest), format_cpu(*highest))};
}

MetricSpark memory_spark(const std::vector<std::int64_t>& history, std::size_t width) {
    std::vector<double> bytes(
        history.end() - static_cast<std::ptrdiff_t>(std::min(history.size(), width)),
        history.end());
    if (bytes.empty()) return {};
    auto [lowest, highest] = std::minmax_element(bytes.begin(), bytes.end());
    // At least one byte, so a series of zeros still has a scale.
    double min_span = std::max(*highest * kMemoryMinSpanShare, 1.0);
    return {sparkline(bytes, width, min_span),
            range_text(format_bytes(static_cast<std::int64_t>(*lowest)),
                       format_bytes(static_cast<std::int64_t>(*highest)))};
}

}  // namespace tend
