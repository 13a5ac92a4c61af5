// Filling a MetricsPage: the table's instances in id order, each with every
// restart kind (0 too) and any other kind it has counted.
#include "daemon/http/metrics_collector.h"

#include "daemon/metrics/self_usage.h"

namespace tend {

namespace {

InstanceMetrics instance_metrics(const ProcessTable& table, const Instance& inst) {
    InstanceMetrics m;
    m.app = inst.app;
    m.id = inst.id;
    m.index = inst.index;
    if (const App* app = table.find_app(inst.app)) m.ns = app->spec.ns;
    m.status = inst.state;
    m.up = inst.state == InstanceState::kOnline;
    m.ready = table.ready(inst);
    m.cpu_seconds = inst.cpu_seconds;
    m.memory = inst.memory;
    m.start_time = inst.pid != 0 ? static_cast<double>(inst.started_wall_ms) / 1000.0 : 0;
    const auto& counts = inst.restarts_by_reason;
    m.restarts.reserve(std::size(kRestartKinds) + counts.size());
    for (const char* kind : kRestartKinds) {
        auto it = counts.find(kind);
        m.restarts.emplace_back(kind, it == counts.end() ? 0 : it->second);
    }
    for (const auto& [kind, count] : counts) {
        bool listed = false;
        for (const char* k : kRestartKinds) listed = listed || kind == k;
        if (!listed) m.restarts.emplace_back(kind, count);  // a kind added since (never lost)
    }
    return m;
}

}  // namespace

MetricsPage collect_metrics(const ProcessTable& table, const LogCounters& logs,
                            DaemonMetrics daemon) {
    MetricsPage page;
    std::vector<int> ids = table.all_ids();
    page.instances.reserve(ids.size());
    for (int id : ids)
        if (const Instance* inst = table.find(id))
            page.instances.push_back(instance_metrics(table, *inst));
    daemon.log_bytes = logs.bytes;
    daemon.log_lines = logs.lines;
    page.daemon = std::move(daemon);
    return page;
}

MetricsCollector::MetricsCollector(uv_loop_t* loop, const ProcessTable& table, const LogSink& sink,
                                   std::string version)
    : table_(table), sink_(sink), version_(std::move(version)), lag_(loop) {}

std::string MetricsCollector::page() const {
    DaemonMetrics daemon;
    daemon.resident_memory = self_resident_bytes();
    daemon.open_fds = self_open_fds();
    daemon.loop_lag_seconds = lag_.seconds();
    daemon.version = version_;
    return render_prometheus(collect_metrics(table_, sink_.written(), std::move(daemon)));
}

}  // namespace tend
