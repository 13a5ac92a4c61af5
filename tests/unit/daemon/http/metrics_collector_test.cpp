// Filling /metrics from a process table (fake seams and clock): every
// instance, its namespace, its restart kinds from 0, its counters.
#include <doctest/doctest.h>

#include "daemon/http/metrics_collector.h"
#include "tests/unit/daemon/process/process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

TEST_CASE("metrics collector: each instance with its labels and counters and state") {
    Fixture f;
    AppSpec web = app("web", 2);
    web.ns = "shop";
    f.table.start(app("api"));
    std::vector<int> ids = f.table.start(web);
    f.table.set_metrics(ids[1], 10, 2048, 0.5);
    f.clock.now += 5000;
    f.table.on_exit(ids[1], f.pid(ids[1]), std::nullopt, SIGSEGV);
    f.table.stop({ids[0]});
    f.table.on_exit(ids[0], f.pid(ids[0]), std::nullopt, SIGINT);

    MetricsPage page = collect_metrics(f.table, LogCounters{10, 2}, DaemonMetrics{});
    REQUIRE(page.instances.size() == 3);
    const InstanceMetrics& api = page.instances[0];
    CHECK(api.app == "api");
    CHECK(api.ns == "default");
    CHECK(api.up);
    CHECK(api.ready);
    CHECK(api.start_time == doctest::Approx((1700000000000.0 + 1000) / 1000));
    const InstanceMetrics& stopped = page.instances[1];
    CHECK(stopped.app == "web");
    CHECK(stopped.index == 0);
    CHECK(stopped.status == InstanceState::kStopped);
    CHECK(!stopped.up);
    CHECK(stopped.start_time == 0);  // no process: no start time
    const InstanceMetrics& crashed = page.instances[2];
    CHECK(crashed.ns == "shop");
    CHECK(crashed.index == 1);
    CHECK(crashed.cpu_seconds == doctest::Approx(0.5));
    REQUIRE(crashed.restarts.size() == std::size(kRestartKinds));
    CHECK(crashed.restarts[0] == std::pair<std::string, std::int64_t>{"crash", 1});
    CHECK(crashed.restarts[1] == std::pair<std::string, std::int64_t>{"signal", 0});
    CHECK(page.daemon.log_bytes == 10);
    CHECK(page.daemon.log_lines == 2);
}
