// Details text: labels in a column, values cut to the pane's width.
#include "cli/monit/details_text.h"

#include <algorithm>
#include <filesystem>

#include "cli/monit/cell_text.h"
#include "cli/monit/sparkline.h"
#include "cli/render/format.h"
#include "cli/render/readiness_text.h"
#include "common/text.h"

namespace tend {
namespace {

// "online (not ready), unhealthy": the state, and the probes' verdict if any.
std::string status_and_health(const InstanceInfo& info) {
    std::string out = status_words(info);
    if (!info.health.empty() && info.health != "healthy") out.append(", ").append(info.health);
    return out;
}

constexpr int kLabelWidth = 10;  // "last exit" and a space
constexpr int kFullRows = 11;
constexpr const char* kUnknown = "…";  // the spec has not arrived yet

std::string command_text(const AppSpec* spec) {
    return spec ? join_command_line(command_line(*spec)) : kUnknown;
}

std::string restart_text(const InstanceInfo& info) {
    std::string text = std::to_string(info.restarts);
    if (info.restart_reason.empty()) return text;
    std::string why =
        info.restart_reason_detail.empty() ? info.restart_reason : info.restart_reason_detail;
    return text + " (last: " + why + ")";
}

// "api-out-3.log  api-err-3.log  in /home/u/.tend/logs": names first,
// since a narrow pane cuts the end.
std::string log_files_text(const InstanceInfo& info) {
    std::filesystem::path out(info.out_log);
    std::filesystem::path err(info.err_log);
    std::string text = out.filename().string() + "  " + err.filename().string();
    if (out.parent_path() == err.parent_path()) return text + "  in " + out.parent_path().string();
    return text + "  in " + out.parent_path().string() + ", " + err.parent_path().string();
}

std::string uptime_text(const InstanceInfo& info) {
    return info.status == InstanceState::kOnline ? format_uptime(info.uptime_ms) : "-";
}

// The current value's column: "1023.9mb", "1200.5%" fit; right-aligned, so
// the cpu and memory sparklines after it start at the same column.
constexpr std::size_t kValueWidth = 8;
// Fewer columns than this for the samples: the value alone.
constexpr int kMinSparkWidth = 4;

// How many samples the cpu and memory graphs show in `width` columns: the
// same for both, so they cover the same stretch of time; 0 when none fit.
std::size_t spark_width(const InstanceInfo& info, int width) {
    std::size_t ranges =
        std::max(display_width(cpu_spark(info.cpu_history, kMetricsHistory).range),
                 display_width(memory_spark(info.memory_history, kMetricsHistory).range));
    int spark = width - static_cast<int>(kValueWidth + 2 + ranges);
    return spark < kMinSparkWidth ? 0 : static_cast<std::size_t>(spark);
}

// "     12% ▁▂▇▅ 0–12%": the value, then the samples from the left and their
// range right after them.
std::string graph_text(const std::string& value, const MetricSpark& spark) {
    std::string text = fit(value, kValueWidth, Align::kRight);
    if (spark.glyphs.empty()) return text;
    text.append(" ").append(spark.glyphs).append(" ").append(spark.range);
    return text;
}

std::string cpu_graph(const InstanceInfo& info, std::size_t spark) {
    return graph_text(format_cpu(info.cpu), cpu_spark(info.cpu_history, spark));
}

std::string memory_graph(const InstanceInfo& info, std::size_t spark) {
    return graph_text(format_bytes(info.memory), memory_spark(info.memory_history, spark));
}

std::vector<DetailLine> full_lines(const InstanceInfo& info, const AppSpec* spec, int value_width) {
    std::size_t spark = spark_width(info, value_width);
    return {
        {"status", status_and_health(info)},
        {"pid", info.pid > 0 ? std::to_string(info.pid) : "-"},
        {"command", command_text(spec)},
        {"cwd", spec ? spec->cwd : kUnknown, true},
        {"uptime", uptime_text(info)},
        {"restarts", restart_text(info)},
        {"last exit", last_exit_text(info)},
        {"out log", info.out_log, true},
        {"err log", info.err_log, true},
        {"cpu", cpu_graph(info, spark)},
        {"memory", memory_graph(info, spark)},
    };
}

std::vector<DetailLine> compact_lines(const InstanceInfo& info, const AppSpec* spec,
                                      int value_width) {
    std::string state = status_and_health(info) + "  pid " +
                        (info.pid > 0 ? std::to_string(info.pid) : "-") + "  up " +
                        uptime_text(info) + "  restarts " + restart_text(info);
    int half = (value_width - 2) / 2;
    std::size_t spark = spark_width(info, half);
    return {
        {"status", state},
        {"command", command_text(spec)},
        {"cwd", spec ? spec->cwd : kUnknown, true},
        {"last exit", last_exit_text(info)},
        {"logs", log_files_text(info)},
        {"cpu/mem", fit(cpu_graph(info, spark), static_cast<std::size_t>(half)) + "  " +
                        memory_graph(info, spark)},
    };
}

}  // namespace

std::string last_exit_text(const InstanceInfo& info) {
    if (info.exit_signal) return "signal " + *info.exit_signal;
    if (info.exit_code) return "code " + std::to_string(*info.exit_code);
    return "-";
}

std::vector<DetailLine> details_lines(const InstanceInfo& info, const AppSpec* spec, int width,
                                      int rows) {
    int value_width = std::max(1, width - kLabelWidth);
    auto lines = rows >= kFullRows ? full_lines(info, spec, value_width)
                                   : compact_lines(info, spec, value_width);
    if (static_cast<int>(lines.size()) > rows)
        lines.resize(static_cast<std::size_t>(std::max(0, rows)));
    for (auto& line : lines) {
        line.label = fit(line.label, kLabelWidth);
        auto width = static_cast<std::size_t>(value_width);
        line.value = line.path ? fit_end(line.value, width) : fit(line.value, width);
    }
    return lines;
}

}  // namespace tend
