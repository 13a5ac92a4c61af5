// Every part of tendd, in the order they are built (and torn down in
// reverse): private to daemon.cpp and daemon_handover.cpp.
#pragma once

#include <uv.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/cpu_count.h"
#include "common/environment.h"
#include "daemon/cluster/node_socket_broker.h"
#include "daemon/control/context.h"
#include "daemon/control/control_server.h"
#include "daemon/control/dispatcher.h"
#include "daemon/daemon.h"
#include "daemon/daemon_settings.h"
#include "daemon/handover/keeper_link.h"
#include "daemon/handover/state_saver.h"
#include "daemon/handover/takeover.h"
#include "daemon/health/health_monitor.h"
#include "daemon/heap_trimmer.h"
#include "daemon/home_lock.h"
#include "daemon/http/dashboard_page.h"
#include "daemon/http/http_api.h"
#include "daemon/http/http_server.h"
#include "daemon/http/metrics_collector.h"
#include "daemon/ipc/instance_channels.h"
#include "daemon/ipc/notify_socket.h"
#include "daemon/logs/log_sink.h"
#include "daemon/metrics/metrics_sampler.h"
#include "daemon/process/clock.h"
#include "daemon/process/orphan_reaper.h"
#include "daemon/process/uv_launcher.h"
#include "daemon/runtime/runtime_log_sink.h"
#include "daemon/runtime/runtime_session.h"
#include "daemon/streams/message_bus.h"
#include "daemon/streams/monit_hub.h"
#include "daemon/uv/handle.h"
#include "daemon/watch/file_watcher.h"

namespace tend {
namespace daemon_parts {

// tend's Node preload: TEND_NODE_PRELOAD, else share/tend/preload.js beside
// the bin/ tendd runs from (installed, and in the build tree); "" if none.
inline std::string find_node_preload() {
    if (const char* env = std::getenv("TEND_NODE_PRELOAD"); env && *env) return env;
    char exe[4096];
    std::size_t size = sizeof exe;
    if (uv_exepath(exe, &size) != 0) return "";
    auto path = std::filesystem::path(std::string(exe, size)).parent_path().parent_path() /
                "share" / "tend" / "preload.js";
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) ? path.string() : "";
}

// tend-runtime's console (off for a daemon the CLI starts).
inline ConsoleLogs console_logs(const DaemonOptions& options) {
    ConsoleLogs console;
    console.on = options.runtime.has_value();
    console.json = options.runtime && options.runtime->json;
    console.same_stream = options.runtime && options.runtime->same_stream;
    return console;
}

inline TableConfig table_config(const Paths& paths, const DaemonOptions& options) {
    DaemonSettings settings = load_daemon_settings(paths.home);
    return TableConfig{paths.home,
                       paths.log_dir,
                       current_environment(),
                       find_node_preload(),
                       paths.home + "/notify.sock",
                       settings.log_rotation,
                       console_logs(options),
                       [] { return count_usable_cpus().usable; },
                       settings.instance_limits};
}

}  // namespace daemon_parts

struct Daemon::Parts {
    Parts(uv_loop_t* loop, const Paths& paths, Daemon& daemon)
        : keeper(KeeperLink::from_environment()),
          handover(keeper.receive_handover()),
          lock(paths.pidfile, handover.take("lock")),
          sink(loop, paths.home),
          channels(loop),
          launcher(loop, sink, channels, keeper, daemon.options_.child_nofile),
          sockets(loop, channels, keeper),
          table(TableSeams{launcher, sockets, channels, clock},
                daemon_parts::table_config(paths, daemon.options_)),
          health(loop, table),
          trimmer(loop),
          server(loop,
                 [this](Connection& c, std::string_view line) {
                     dispatcher.dispatch(c, line);
                     trimmer.after_work();
                 }),
          monit(loop, table, [this](std::size_t n) { sampler.set_subscribers(n); }),
          notify(loop, [&daemon](int pid) { daemon.on_ready(pid); }),
          services{table,
                   sink,
                   server,
                   paths,
                   monit,
                   messages,
                   daemon.options_.sample_interval_ms,
                   [&daemon](auto then) { daemon.stop_everything(std::move(then)); },
                   daemon.options_.version,
                   [&daemon] { daemon.hand_over(); },
                   false,
                   ""},
          dispatcher(services),
          sampler(loop, table,
                  SamplingPace{daemon.options_.sample_interval_ms,
                               daemon.options_.idle_sample_interval_ms},
                  [this] { monit.publish(true); }),
          reaper(loop,
                 [this](int pid) {
                     return launcher.owns(pid) || health.owns(pid) ||
                            (runtime && runtime->owns(pid));
                 }),
          saver(loop, keeper, [this] { return encode_state(table, sockets.cluster(), keeper); }),
          deadline_timer("deadline timer", uv_timer_init, loop, &daemon),
          watcher(
              loop,
              [this](const auto& app, const auto& path) { table.on_watched_change(app, path); },
              [this](const auto& app, auto status) {
                  table.set_watch_status(app, std::move(status));
              }),
          http_api(
              loop, server, paths.home, daemon.options_.version,
              HttpPages{.metrics = [this] { return metrics ? metrics->page() : std::string(); },
                        .dashboard = dashboard_html(),
                        .viewed = [this] { sampler.viewed(); }}),
          http(loop, [this](const auto& exchange) { http_api.handle(exchange); }) {}

    // First: the keeper hands over the home lock and what a dead daemon left.
    KeeperLink keeper;
    Handover handover;
    HomeLock lock;
    SystemClock clock;
    LogSink sink;
    InstanceChannels channels;
    UvLauncher launcher;
    NodeSocketBroker sockets;
    ProcessTable table;
    HealthMonitor health;  // probes what the table runs (daemon/health/)
    HeapTrimmer trimmer;   // the heap's free pages back to the kernel after requests
    ControlServer server;
    MonitHub monit;
    MessageBus messages;
    NotifySocket notify;
    Services services;
    Dispatcher dispatcher;
    MetricsSampler sampler;
    OrphanReaper reaper;
    StateSaver saver;
    uv::Handle<uv_timer_t> deadline_timer;
    uv::Handle<uv_timer_t> hand_over_timer;
    std::vector<uv::Handle<uv_signal_t>> signals;
    bool closed = false;
    // Watch mode's inotify descriptor: its watches follow the table's specs.
    FileWatcher watcher;
    // HTTP (daemon/http/), when asked for: the API before the server, which
    // ends its exchanges (and so the API's calls) when it closes.
    // GET /metrics' numbers: made by start_http, so its loop lag timer runs
    // only while HTTP is on.
    std::optional<MetricsCollector> metrics;
    HttpApi http_api;
    HttpServer http;
    // tend-runtime (daemon/runtime/): made by start_parts when asked for.
    std::optional<RuntimeSession> runtime;
};

}  // namespace tend
