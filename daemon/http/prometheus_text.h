// /metrics: Prometheus' text exposition format (version 0.0.4) from a plain
// struct of numbers. Pure: the collector (metrics_collector.h) fills the
// struct from the daemon's parts; this only writes text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/instance_info.h"

namespace tend {

// One instance's series. Labels: app, id, instance (the index), namespace
// (left out when empty).
struct InstanceMetrics {
    std::string app;
    int id = 0;
    int index = 0;
    std::string ns;
    InstanceState status = InstanceState::kStopped;
    bool up = false;          // online
    bool ready = false;       // passes its readiness gate (jlist's `ready`)
    double cpu_seconds = 0;   // counter
    std::int64_t memory = 0;  // RSS bytes of its process group
    double start_time = 0;    // its process's start, seconds since the epoch; 0 = no process
    // Restarts by reason kind; every kind listed is shown, 0 too.
    std::vector<std::pair<std::string, std::int64_t>> restarts;
};

struct DaemonMetrics {
    std::int64_t resident_memory = 0;  // bytes
    std::int64_t open_fds = 0;
    double loop_lag_seconds = 0;
    std::uint64_t log_bytes = 0;
    std::uint64_t log_lines = 0;
    std::string version;
};

struct MetricsPage {
    std::vector<InstanceMetrics> instances;
    DaemonMetrics daemon;
};

// The page: each family's HELP and TYPE, then its series.
std::string render_prometheus(const MetricsPage& page);

// A label value escaped as the format wants: \ " and newline.
void append_label_value(std::string& out, std::string_view value);

}  // namespace tend
