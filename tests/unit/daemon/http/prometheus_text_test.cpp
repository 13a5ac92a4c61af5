// The /metrics renderer: the exact text for a small page, label escaping,
// and one series per name and label set.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "daemon/http/prometheus_text.h"

using namespace tend;

namespace {

MetricsPage small_page() {
    MetricsPage page;
    InstanceMetrics api;
    api.app = "api";
    api.id = 3;
    api.index = 1;
    api.ns = "shop";
    api.status = InstanceState::kOnline;
    api.up = true;
    api.ready = true;
    api.cpu_seconds = 1.25;
    api.memory = 4096;
    api.start_time = 1700000000.5;
    api.restarts = {{"crash", 2}, {"user", 0}};
    page.instances.push_back(api);
    page.daemon = {123456, 17, 0.002, 300, 7, "1.2.3"};
    return page;
}

}  // namespace

TEST_CASE("prometheus text: a small page exactly") {
    MetricsPage page = small_page();
    InstanceMetrics job;  // stopped, no namespace, no restarts: no start time series
    job.app = "job";
    job.id = 4;
    job.status = InstanceState::kStopped;
    page.instances.push_back(job);
    const std::string L3 = R"({app="api",id="3",instance="1",namespace="shop")";
    const std::string L4 = R"({app="job",id="4",instance="0")";
    std::string expected =
        "# HELP tend_instance_up 1 when the instance is online, else 0.\n"
        "# TYPE tend_instance_up gauge\n"
        "tend_instance_up" +
        L3 +
        "} 1\n"
        "tend_instance_up" +
        L4 +
        "} 0\n"
        "# HELP tend_instance_status The instance's state: 1 for the series of its current "
        "status, 0 for the others.\n"
        "# TYPE tend_instance_status gauge\n";
    for (const auto& [labels, current] : {std::pair{L3, "online"}, std::pair{L4, "stopped"}}) {
        for (const char* s : {"launching", "online", "waiting_restart", "stopping", "stopped",
                              "errored", "completed", "waiting_change"}) {
            expected += "tend_instance_status" + labels + ",status=\"" + s + "\"} " +
                        (std::string(s) == current ? "1" : "0") + "\n";
        }
    }
    expected +=
        "# HELP tend_instance_cpu_seconds_total CPU time spent by the instance's processes (its "
        "whole process group), as sampled, since this daemon started.\n"
        "# TYPE tend_instance_cpu_seconds_total counter\n"
        "tend_instance_cpu_seconds_total" +
        L3 +
        "} 1.25\n"
        "tend_instance_cpu_seconds_total" +
        L4 +
        "} 0\n"
        "# HELP tend_instance_resident_memory_bytes Resident memory of the instance's process "
        "group at the last sample.\n"
        "# TYPE tend_instance_resident_memory_bytes gauge\n"
        "tend_instance_resident_memory_bytes" +
        L3 +
        "} 4096\n"
        "tend_instance_resident_memory_bytes" +
        L4 +
        "} 0\n"
        "# HELP tend_instance_restarts_total Restarts of the instance by reason (crash, signal, "
        "exit_code, memory, user, watch, health, cron).\n"
        "# TYPE tend_instance_restarts_total counter\n"
        "tend_instance_restarts_total" +
        L3 +
        ",reason=\"crash\"} 2\n"
        "tend_instance_restarts_total" +
        L3 +
        ",reason=\"user\"} 0\n"
        "# HELP tend_instance_start_time_seconds When the instance's current process started, in "
        "seconds since the epoch (no series while it has none).\n"
        "# TYPE tend_instance_start_time_seconds gauge\n"
        "tend_instance_start_time_seconds" +
        L3 +
        "} 1700000000.5\n"
        "# HELP tend_instance_ready 1 when the instance passes its readiness gate (probe or "
        "wait_ready), else 0.\n"
        "# TYPE tend_instance_ready gauge\n"
        "tend_instance_ready" +
        L3 +
        "} 1\n"
        "tend_instance_ready" +
        L4 +
        "} 0\n"
        "# HELP tend_daemon_resident_memory_bytes tendd's resident memory.\n"
        "# TYPE tend_daemon_resident_memory_bytes gauge\n"
        "tend_daemon_resident_memory_bytes 123456\n"
        "# HELP tend_daemon_open_fds tendd's open file descriptors.\n"
        "# TYPE tend_daemon_open_fds gauge\n"
        "tend_daemon_open_fds 17\n"
        "# HELP tend_daemon_loop_lag_seconds The longest delay of tendd's event loop over the "
        "last 15 to 30 seconds.\n"
        "# TYPE tend_daemon_loop_lag_seconds gauge\n"
        "tend_daemon_loop_lag_seconds 0.002\n"
        "# HELP tend_log_bytes_written_total Bytes of app output stored in log files since this "
        "daemon started.\n"
        "# TYPE tend_log_bytes_written_total counter\n"
        "tend_log_bytes_written_total 300\n"
        "# HELP tend_log_lines_written_total Lines of app output stored in log files since this "
        "daemon started.\n"
        "# TYPE tend_log_lines_written_total counter\n"
        "tend_log_lines_written_total 7\n"
        "# HELP tend_log_lines_dropped_total Always 0: tend drops no line by design (an app that "
        "outpaces its disk waits on its pipe).\n"
        "# TYPE tend_log_lines_dropped_total counter\n"
        "tend_log_lines_dropped_total 0\n"
        "# HELP tend_build_info tendd's version, as a label; always 1.\n"
        "# TYPE tend_build_info gauge\n"
        "tend_build_info{version=\"1.2.3\"} 1\n";
    CHECK(render_prometheus(page) == expected);
}

TEST_CASE("prometheus text: label values escape backslash and quote and newline") {
    std::string out;
    append_label_value(out, "a\\b\"c\nd");
    CHECK(out == R"(a\\b\"c\nd)");
    MetricsPage page = small_page();
    page.instances[0].ns = "we\"ird\\ns\n";
    page.daemon.version = "1\"2";
    std::string text = render_prometheus(page);
    CHECK(text.find(R"(namespace="we\"ird\\ns\n")") != std::string::npos);
    CHECK(text.find(R"(tend_build_info{version="1\"2"} 1)") != std::string::npos);
    // Each series is one line: an escaped newline does not end it.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        CHECK((line.starts_with("# ") || line.starts_with("tend_")));
}

TEST_CASE("prometheus text: no series twice and each family's HELP and TYPE once and first") {
    MetricsPage page = small_page();
    InstanceMetrics other = page.instances[0];
    other.id = 9;  // same app, another id and index
    other.index = 2;
    page.instances.push_back(other);
    std::set<std::string> series, families;
    std::string current;
    std::istringstream lines(render_prometheus(page));
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("# HELP ")) {
            current = line.substr(7, line.find(' ', 7) - 7);
            CHECK(families.insert(current).second);
            continue;
        }
        if (line.starts_with("# TYPE ")) continue;
        std::string key = line.substr(0, line.rfind(' '));
        CHECK_MESSAGE(series.insert(key).second, key);
        CHECK(key.starts_with(current));  // under its own family's header
    }
    CHECK(families.size() == 14);
}
