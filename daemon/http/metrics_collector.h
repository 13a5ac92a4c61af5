// What /metrics shows, gathered when it is asked for: every instance from
// the process table, the log sink's counters, the loop's lag and tendd's
// own memory and descriptors (/proc/self). Plain reads of the daemon's
// parts, no JSON: a scrape of 100 instances takes well under a millisecond.
#pragma once

#include <uv.h>

#include <string>

#include "daemon/http/prometheus_text.h"
#include "daemon/logs/log_sink.h"
#include "daemon/metrics/loop_lag.h"
#include "daemon/process/process_table.h"

namespace tend {

// The numbers of a page, from a table, a sink's counters and the daemon's own.
MetricsPage collect_metrics(const ProcessTable& table, const LogCounters& logs,
                            DaemonMetrics daemon);

class MetricsCollector {
  public:
    // Built only while the HTTP endpoint is on: its loop lag timer is the one
    // cost of the metrics between scrapes.
    MetricsCollector(uv_loop_t* loop, const ProcessTable& table, const LogSink& sink,
                     std::string version);
    void close() { lag_.close(); }
    // The page, text/plain; version=0.0.4.
    std::string page() const;

  private:
    const ProcessTable& table_;
    const LogSink& sink_;
    std::string version_;
    LoopLag lag_;
};

}  // namespace tend
