// Start-up, wiring and shutdown of tendd.
#include "daemon/daemon.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "common/errors.h"
#include "common/version.h"
#include "daemon/clock.h"
#include "daemon/control_server.h"
#include "daemon/dispatcher.h"
#include "daemon/home_lock.h"
#include "daemon/log_sink.h"
#include "daemon/metrics_sampler.h"
#include "daemon/monit_hub.h"
#include "daemon/orphan_reaper.h"
#include "daemon/uv_spawner.h"

extern char** environ;

namespace tend {
namespace {

std::map<std::string, std::string> current_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return env;
}

}  // namespace

struct Daemon::Parts {
    Parts(uv_loop_t* loop, const Paths& paths, Daemon& daemon)
        : lock(paths.pidfile),
          sink(loop),
          spawner(loop, sink),
          table(spawner, clock, TableConfig{paths.home, paths.log_dir, current_environment()}),
          server(loop,
                 [this](Connection& c, std::string_view line) { dispatcher.dispatch(c, line); }),
          monit(loop, table),
          services{table,
                   sink,
                   server,
                   paths,
                   monit,
                   daemon.options_.sample_interval_ms,
                   [&daemon] { daemon.table_changed(); },
                   [&daemon] { daemon.begin_shutdown(); }},
          dispatcher(services),
          sampler(loop, table, daemon.options_.sample_interval_ms,
                  [&daemon] {
                      daemon.rearm_deadline();  // a memory restart has a kill deadline
                      daemon.parts_->monit.publish();
                  }),
          reaper(loop, [this](int pid) { return spawner.owns(pid); }) {}

    HomeLock lock;
    SystemClock clock;
    LogSink sink;
    UvSpawner spawner;
    ProcessTable table;
    ControlServer server;
    MonitHub monit;
    Services services;
    Dispatcher dispatcher;
    MetricsSampler sampler;
    OrphanReaper reaper;
    uv_timer_t deadline_timer{};
    uv_signal_t signals[3]{};
    bool closed = false;
};

Daemon::Daemon(Paths paths, DaemonOptions options) : paths_(std::move(paths)), options_(options) {
    uv_loop_init(&loop_);
}

Daemon::~Daemon() {
    parts_.reset();
    uv_loop_close(&loop_);
}

void Daemon::prepare_home() {
    std::error_code ec;
    std::filesystem::create_directories(paths_.home, ec);
    if (ec)
        throw TendError(ErrorCode::kInternal, "cannot create " + paths_.home + ": " + ec.message());
    ::chmod(paths_.home.c_str(), 0700);
    std::filesystem::create_directories(paths_.log_dir, ec);

    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(
        std::make_shared<spdlog::sinks::rotating_file_sink_st>(paths_.daemon_log, 5 << 20, 3));
    if (options_.log_to_stderr)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_st>());
    auto logger = std::make_shared<spdlog::logger>("tendd", sinks.begin(), sinks.end());
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

int Daemon::run() {
    prepare_home();
    parts_ = std::make_unique<Parts>(&loop_, paths_, *this);
    try {
        start_parts();
    } catch (...) {
        begin_shutdown();
        uv_run(&loop_, UV_RUN_DEFAULT);
        parts_.reset();
        uv_run(&loop_, UV_RUN_DEFAULT);
        throw;
    }
    spdlog::info("tendd {} pid {} serving {}", kVersion, ::getpid(), paths_.socket);
    uv_run(&loop_, UV_RUN_DEFAULT);
    spdlog::info("tendd stopped");
    parts_.reset();
    // Close callbacks of parts destroyed above still have to run.
    uv_run(&loop_, UV_RUN_DEFAULT);
    return 0;
}

void Daemon::start_parts() {
    Parts& p = *parts_;
    p.spawner.on_exit([this](int id, int pid, std::optional<int> code, std::optional<int> sig) {
        parts_->table.on_exit(id, pid, code, sig);
        table_changed();
    });
    uv_timer_init(&loop_, &p.deadline_timer);
    p.deadline_timer.data = this;
    const int kSignals[3] = {SIGTERM, SIGINT, SIGUSR2};
    for (int i = 0; i < 3; ++i) {
        uv_signal_init(&loop_, &p.signals[i]);
        p.signals[i].data = this;
        uv_signal_start(
            &p.signals[i],
            [](uv_signal_t* s, int signum) {
                static_cast<Daemon*>(s->data)->handle_signal(signum);
            },
            kSignals[i]);
    }
    ::signal(SIGPIPE, SIG_IGN);
    p.server.listen(paths_.socket);
}

void Daemon::table_changed() {
    rearm_deadline();
    if (!parts_->closed) parts_->monit.mark_changed();
}

void Daemon::rearm_deadline() {
    Parts& p = *parts_;
    if (p.closed) return;
    auto next = p.table.next_deadline();
    if (!next) {
        uv_timer_stop(&p.deadline_timer);
        return;
    }
    std::int64_t wait = std::max<std::int64_t>(0, *next - p.clock.now_ms());
    uv_timer_start(
        &p.deadline_timer,
        [](uv_timer_t* t) {
            auto* self = static_cast<Daemon*>(t->data);
            self->parts_->table.tick();
            self->table_changed();
        },
        static_cast<std::uint64_t>(wait), 0);
}

void Daemon::handle_signal(int signum) {
    Parts& p = *parts_;
    if (signum == SIGUSR2) {
        spdlog::info("SIGUSR2: reopening log files");
        p.sink.reopen_all();
        return;
    }
    if (p.services.shutting_down) return;
    spdlog::info("signal {}: stopping every app", signum);
    p.services.shutting_down = true;
    std::vector<int> ids = p.table.all_ids();
    p.table.stop(ids);
    rearm_deadline();
    p.table.when_settled(ids, [this] { begin_shutdown(); });
}

// Everything is stopped: close every handle so uv_run returns.
void Daemon::begin_shutdown() {
    Parts& p = *parts_;
    if (p.closed) return;
    p.closed = true;
    p.server.close();
    p.sampler.close();
    p.monit.close();
    p.reaper.close();
    p.sink.close_all();
    uv_close(reinterpret_cast<uv_handle_t*>(&p.deadline_timer), nullptr);
    for (auto& s : p.signals) uv_close(reinterpret_cast<uv_handle_t*>(&s), nullptr);
}

}  // namespace tend
