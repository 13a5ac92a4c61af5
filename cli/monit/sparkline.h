// Sparklines for the dashboard: the last samples of a series as block
// characters (▁▂▃▄▅▆▇█), one column per sample, oldest first. They fill
// from the left: with fewer samples than columns the line is just shorter,
// so it starts where its label ends and grows rightwards.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tend {

// The values a sparkline's lowest block (▁) starts from and its full
// block (█) reaches.
struct SparkScale {
    double low = 0;
    double high = 0;
};

// The scale for samples: their lowest to their highest, so a series that
// varies uses every height. A spread under min_span is drawn against
// min_span centred on the samples (moved up so that it does not go below
// zero when no sample does): a steady series sits at mid-height (▄) and
// small noise near it, never a full bar that reads as "full". min_span
// should be above zero: with none, a steady series lies on the lowest block.
SparkScale spark_scale(std::span<const double> samples, double min_span);

// The last `width` samples against their spark_scale(): one block per
// sample, min(samples, width) columns, "" for no samples.
std::string sparkline(std::span<const double> samples, std::size_t width, double min_span);

// "41.2–43.0mb" from "41.2mb" and "43.0mb": a shared unit is written once;
// "900.0kb–1.1mb" otherwise.
std::string range_text(const std::string& low, const std::string& high);

// A metric's sparkline for a width, and the lowest and highest of the
// samples it shows, so the scale is never a guess.
struct MetricSpark {
    std::string glyphs;  // min(samples, width) blocks
    std::string range;   // "0–12%", "41.2–43.0mb"; "" without samples
};

// CPU percentages (100 is one core): min..max with a spread of at least
// kCpuMinSpan points.
MetricSpark cpu_spark(const std::vector<double>& history, std::size_t width);

// Memory in bytes: min..max with a spread of at least kMemoryMinSpanShare of
// the highest sample.
MetricSpark memory_spark(const std::vector<std::int64_t>& history, std::size_t width);

// CPU below this spread (percentage points) is noise: an idle app stays on
// the lowest block, a steady one at mid-height.
inline constexpr double kCpuMinSpan = 10.0;
// Memory below this share of its level is noise (a garbage collector's
// breathing); growth beyond it uses the full height.
inline constexpr double kMemoryMinSpanShare = 0.05;

}  // namespace tend
