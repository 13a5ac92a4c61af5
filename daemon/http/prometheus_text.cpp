// The text format, family by family: a family's series must be together,
// so each walks every instance. Numbers go through std::to_chars (shortest
// exact text, no locale); nothing here allocates but the page itself.
#include "daemon/http/prometheus_text.h"

#include <charconv>

namespace tend {

namespace {

constexpr InstanceState kLastState = InstanceState::kWaitingChange;

template <typename T>
void append_number(std::string& out, T value) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, ec == std::errc() ? end : buf);
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// name{app="..",id="..",instance="..",namespace=".."[,extra_key="extra"]}
void append_series(std::string& out, std::string_view name, const InstanceMetrics& i,
                   std::string_view extra_key = {}, std::string_view extra = {}) {
    out.append(name).append("{app=\"");
    append_label_value(out, i.app);
    out.append("\",id=\"");
    append_number(out, i.id);
    out.append("\",instance=\"");
    append_number(out, i.index);
    if (!i.ns.empty()) {
        out.append("\",namespace=\"");
        append_label_value(out, i.ns);
    }
    if (!extra_key.empty()) {
        out.append("\",").append(extra_key).append("=\"");
        append_label_value(out, extra);
    }
    out.append("\"} ");
}

template <typename Value>
void append_family(std::string& out, const MetricsPage& page, std::string_view name,
                   std::string_view type, std::string_view help, Value value) {
    append_header(out, name, type, help);
    for (const InstanceMetrics& i : page.instances) {
        append_series(out, name, i);
        append_number(out, value(i));
        out.push_back('\n');
    }
}

void append_instances(std::string& out, const MetricsPage& page) {
    append_family(out, page, "tend_instance_up", "gauge", "1 when the instance is online, else 0.",
                  [](const InstanceMetrics& i) { return i.up ? 1 : 0; });
    append_header(out, "tend_instance_status", "gauge",
                  "The instance's state: 1 for the series of its current status, 0 for the "
                  "others.");
    for (const InstanceMetrics& i : page.instances) {
        for (int s = 0; s <= static_cast<int>(kLastState); ++s) {
            auto state = static_cast<InstanceState>(s);
            append_series(out, "tend_instance_status", i, "status", to_string(state));
            out.append(state == i.status ? "1\n" : "0\n");
        }
    }
    append_family(out, page, "tend_instance_cpu_seconds_total", "counter",
                  "CPU time spent by the instance's processes (its whole process group), as "
                  "sampled, since this daemon started.",
                  [](const InstanceMetrics& i) { return i.cpu_seconds; });
    append_family(out, page, "tend_instance_resident_memory_bytes", "gauge",
                  "Resident memory of the instance's process group at the last sample.",
                  [](const InstanceMetrics& i) { return i.memory; });
    append_header(out, "tend_instance_restarts_total", "counter",
                  "Restarts of the instance by reason (crash, signal, exit_code, memory, user, "
                  "watch, health, cron).");
    for (const InstanceMetrics& i : page.instances) {
        for (const auto& [reason, count] : i.restarts) {
            append_series(out, "tend_instance_restarts_total", i, "reason", reason);
            append_number(out, count);
            out.push_back('\n');
        }
    }
    append_header(out, "tend_instance_start_time_seconds", "gauge",
                  "When the instance's current process started, in seconds since the epoch "
                  "(no series while it has none).");
    for (const InstanceMetrics& i : page.instances) {
        if (i.start_time <= 0) continue;
        append_series(out, "tend_instance_start_time_seconds", i);
        append_number(out, i.start_time);
        out.push_back('\n');
    }
    append_family(out, page, "tend_instance_ready", "gauge",
                  "1 when the instance passes its readiness gate (probe or wait_ready), else 0.",
                  [](const InstanceMetrics& i) { return i.ready ? 1 : 0; });
}

template <typename T>
void append_single(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, T value) {
    append_header(out, name, type, help);
    out.append(name).push_back(' ');
    append_number(out, value);
    out.push_back('\n');
}

void append_daemon(std::string& out, const DaemonMetrics& d) {
    append_single(out, "tend_daemon_resident_memory_bytes", "gauge", "tendd's resident memory.",
                  d.resident_memory);
    append_single(out, "tend_daemon_open_fds", "gauge", "tendd's open file descriptors.",
                  d.open_fds);
    append_single(out, "tend_daemon_loop_lag_seconds", "gauge",
                  "The longest delay of tendd's event loop over the last 15 to 30 seconds.",
                  d.loop_lag_seconds);
    append_single(out, "tend_log_bytes_written_total", "counter",
                  "Bytes of app output stored in log files since this daemon started.",
                  d.log_bytes);
    append_single(out, "tend_log_lines_written_total", "counter",
                  "Lines of app output stored in log files since this daemon started.",
                  d.log_lines);
    append_single(out, "tend_log_lines_dropped_total", "counter",
                  "Always 0: tend drops no line by design (an app that outpaces its disk waits "
                  "on its pipe).",
                  0);
    append_header(out, "tend_build_info", "gauge", "tendd's version, as a label; always 1.");
    out.append("tend_build_info{version=\"");
    append_label_value(out, d.version);
    out.append("\"} 1\n");
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out.append("\\\\");
                break;
            case '"':
                out.append("\\\"");
                break;
            case '\n':
                out.append("\\n");
                break;
            default:
                out.push_back(c);
        }
    }
}

std::string render_prometheus(const MetricsPage& page) {
    std::string out;
    // About 2 KiB per instance (8 status and 8 restart series among them).
    out.reserve(2048 + page.instances.size() * 2048);
    append_instances(out, page);
    append_daemon(out, page.daemon);
    return out;
}

}  // namespace tend
