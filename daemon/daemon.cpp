// Start-up, wiring and shutdown of tendd.
#include "daemon/daemon.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "common/environment.h"
#include "common/errors.h"
#include "common/version.h"
#include "daemon/cluster/node_socket_broker.h"
#include "daemon/control/control_server.h"
#include "daemon/control/dispatcher.h"
#include "daemon/handover/keeper_link.h"
#include "daemon/handover/state_saver.h"
#include "daemon/handover/takeover.h"
#include "daemon/home_lock.h"
#include "daemon/ipc/app_message.h"
#include "daemon/ipc/instance_channels.h"
#include "daemon/ipc/notify_socket.h"
#include "daemon/logs/log_sink.h"
#include "daemon/metrics/metrics_sampler.h"
#include "daemon/process/clock.h"
#include "daemon/process/orphan_reaper.h"
#include "daemon/process/uv_launcher.h"
#include "daemon/service_manager.h"
#include "daemon/streams/message_bus.h"
#include "daemon/streams/monit_hub.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"
#include "keeper/wire.h"

namespace tend {
namespace {

// tend's Node preload: TEND_NODE_PRELOAD, else share/tend/preload.js beside
// the bin/ tendd runs from (installed, and in the build tree); "" if none.
std::string find_node_preload() {
    if (const char* env = std::getenv("TEND_NODE_PRELOAD"); env && *env) return env;
    char exe[4096];
    std::size_t size = sizeof exe;
    if (uv_exepath(exe, &size) != 0) return "";
    auto path = std::filesystem::path(std::string(exe, size)).parent_path().parent_path() /
                "share" / "tend" / "preload.js";
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) ? path.string() : "";
}

TableConfig table_config(const Paths& paths) {
    return TableConfig{paths.home, paths.log_dir, current_environment(), find_node_preload(),
                       paths.home + "/notify.sock"};
}

}  // namespace

struct Daemon::Parts {
    Parts(uv_loop_t* loop, const Paths& paths, Daemon& daemon)
        : keeper(KeeperLink::from_environment()),
          handover(keeper.receive_handover()),
          lock(paths.pidfile, handover.take("lock")),
          sink(loop),
          channels(loop),
          launcher(loop, sink, channels, keeper),
          sockets(loop, channels, keeper),
          table(TableSeams{launcher, sockets, channels, clock}, table_config(paths)),
          server(loop,
                 [this](Connection& c, std::string_view line) { dispatcher.dispatch(c, line); }),
          monit(loop, table),
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
                   [&daemon] { daemon.hand_over(); }},
          dispatcher(services),
          sampler(loop, table, daemon.options_.sample_interval_ms, [this] { monit.publish(true); }),
          reaper(loop, [this](int pid) { return launcher.owns(pid); }),
          saver(loop, keeper, [this] { return encode_state(table, sockets.cluster(), keeper); }),
          deadline_timer("deadline timer", uv_timer_init, loop, &daemon) {}

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
};

Daemon::Daemon(Paths paths, DaemonOptions options) : paths_(std::move(paths)), options_(options) {
    uv::check(uv_loop_init(&loop_), "uv_loop_init");
}

Daemon::~Daemon() {
    parts_.reset();
    uv_loop_close(&loop_);
}

void Daemon::prepare_home() {
    ensure_home(paths_);

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
    spdlog::info("tendd {} pid {} serving {}", options_.version, ::getpid(), paths_.socket);
    uv_run(&loop_, UV_RUN_DEFAULT);
    spdlog::info(exit_code_ == keeper::kExitUpdate ? "tendd handed over" : "tendd stopped");
    parts_.reset();
    // Close callbacks of parts destroyed above still have to run.
    uv_run(&loop_, UV_RUN_DEFAULT);
    return exit_code_;
}

void Daemon::start_parts() {
    Parts& p = *parts_;
    p.launcher.on_exit([this](int id, int pid, std::optional<int> code, std::optional<int> sig) {
        parts_->table.on_exit(id, pid, code, sig);
    });
    p.channels.on_message(
        [this](int id, int pid, ParsedMessage m) { on_message(id, pid, std::move(m)); });
    p.channels.on_internal([this](int pid, const json& m) {
        parts_->sockets.on_message(pid, m);
        parts_->saver.mark_dirty();  // who listens where
    });
    p.table.watch([this](std::optional<std::int64_t> next) { on_table_changed(next); });
    open_sockets();
    take_over_apps();
    watch_signals();
    ::signal(SIGPIPE, SIG_IGN);
    p.saver.save_now();
    // Under `tend startup`'s unit: serving now. The keeper is the unit's main process.
    notify_service_ready(p.keeper.active() ? static_cast<int>(::getppid()) : ::getpid());
    p.keeper.serving();
}

// The control and notify sockets a dead daemon left with the keeper are
// served as they are: a client that connected meanwhile waits in the
// backlog instead of finding no daemon (and starting a second one).
void Daemon::open_sockets() {
    Parts& p = *parts_;
    if (int fd = p.handover.take("control"); fd >= 0) {
        p.server.adopt(fd, paths_.socket);
    } else {
        p.server.listen(paths_.socket);
        p.keeper.hold("control", p.server.fd());
    }
    if (int fd = p.handover.take("notify"); fd >= 0) {
        p.notify.adopt(fd);
    } else if (p.notify.open(paths_.home + "/notify.sock")) {
        p.keeper.hold("notify", p.notify.fd());
    }
}

void Daemon::take_over_apps() {
    Parts& p = *parts_;
    auto confirm = [this](int pid) { parts_->saver.forget_after_save(pid); };
    int adopted = take_over(p.handover, {p.table, p.launcher, p.sockets.cluster(), p.keeper},
                            confirm);
    if (p.handover.last_status >= 0) {
        int st = p.handover.last_status;
        spdlog::warn("took over {} processes from a daemon that {} {}", adopted,
                     WIFSIGNALED(st) ? "was killed by signal" : "exited with code",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    p.keeper.start(&loop_, [this](int pid, int status) {
        Parts& parts = *parts_;
        if (parts.launcher.on_keeper_exit(pid, status))
            parts.saver.forget_after_save(pid);
        else
            parts.keeper.forget(pid);
    });
}

void Daemon::watch_signals() {
    for (int signum : {SIGTERM, SIGINT, SIGUSR2, SIGHUP}) {
        auto& handle = parts_->signals.emplace_back("signal watcher", uv_signal_init, &loop_, this);
        uv::check(uv_signal_start(
                      handle.get(),
                      [](uv_signal_t* s, int signum) {
                          uv::guarded("signal", [&] {
                              static_cast<Daemon*>(s->data)->handle_signal(signum);
                          });
                      },
                      signum),
                  "uv_signal_start");
    }
}

void Daemon::on_message(int id, int pid, ParsedMessage m) {
    Parts& p = *parts_;
    if (m.kind == MessageKind::kReady) {
        p.table.mark_ready(pid);
        return;
    }
    const Instance* inst = p.table.find(id);
    if (m.kind != MessageKind::kData || !inst) return;
    p.messages.publish(
        AppMessage{id, inst->app, inst->index, p.clock.wall_ms(), std::move(m.data)});
}

// sd_notify may come from a child of the instance (a shell script's
// server): it counts for the group it belongs to.
void Daemon::on_ready(int pid) {
    Parts& p = *parts_;
    int leader = p.table.instance_of_pid(pid) ? pid : static_cast<int>(::getpgid(pid));
    p.table.mark_ready(leader);
}

void Daemon::on_table_changed(std::optional<std::int64_t> next) {
    Parts& p = *parts_;
    if (p.closed) return;
    p.monit.mark_changed();
    p.saver.mark_dirty();
    if (!next) {
        uv_timer_stop(p.deadline_timer.get());
        return;
    }
    std::int64_t wait = std::max<std::int64_t>(0, *next - p.clock.now_ms());
    uv_timer_start(
        p.deadline_timer.get(),
        [](uv_timer_t* t) {
            uv::guarded("deadline timer",
                        [t] { static_cast<Daemon*>(t->data)->parts_->table.tick(); });
        },
        static_cast<std::uint64_t>(wait), 0);
}

void Daemon::handle_signal(int signum) {
    if (signum == SIGUSR2) {
        spdlog::info("SIGUSR2: reopening log files");
        parts_->sink.reopen_all();
        return;
    }
    if (signum == SIGHUP) {
        // A closed terminal or a stray HUP: no reason to leave apps unsupervised.
        spdlog::info("SIGHUP: ignored (SIGTERM stops every app; SIGUSR2 reopens logs)");
        return;
    }
    if (parts_->services.shutting_down) return;
    spdlog::info("signal {}: stopping every app", signum);
    stop_everything(nullptr);
}

void Daemon::stop_everything(std::function<void(std::size_t stopped)> then) {
    Parts& p = *parts_;
    p.services.shutting_down = true;
    std::vector<int> ids = p.table.all_ids();
    p.table.stop(ids);
    p.table.when_settled(ids, [this, then = std::move(then), n = ids.size()] {
        if (then) then(n);
        begin_shutdown();
    });
}

// `tend update`: everything this daemon knows goes to the keeper, which
// starts the tendd binary installed now in its place. No app is touched:
// their processes, pipes, channels and sockets stay with the keeper.
void Daemon::hand_over() {
    Parts& p = *parts_;
    if (!p.keeper.active())
        throw TendError(ErrorCode::kBadRequest,
                        "this daemon runs without tend-keeper, so nothing can take its apps "
                        "over; 'tend kill' and start them again");
    if (p.services.shutting_down) throw TendError(ErrorCode::kBadRequest, "the daemon is stopping");
    p.services.shutting_down = true;
    spdlog::info("update: handing every app over to the tendd installed now");
    // After this turn, so the reply to `tend update` is written first.
    p.hand_over_timer = uv::Handle<uv_timer_t>("hand-over", uv_timer_init, &loop_, this);
    uv::check(uv_timer_start(
                  p.hand_over_timer.get(),
                  [](uv_timer_t* t) {
                      uv::guarded("hand-over", [t] {
                          auto* self = static_cast<Daemon*>(t->data);
                          self->parts_->server.close(true);
                          self->quiesce_logs([self] { self->finish_hand_over(); });
                      });
                  },
                  0, 0),
              "uv_timer_start");
}

void Daemon::quiesce_logs(std::function<void()> then) {
    parts_->sink.close_all();
    then();
}

void Daemon::finish_hand_over() {
    Parts& p = *parts_;
    p.saver.save_now();
    p.saver.freeze();
    exit_code_ = keeper::kExitUpdate;
    begin_shutdown(true);
}

// Everything is stopped (or handed over): close every handle so uv_run
// returns. On a hand-over, the sockets' files stay for the next daemon.
void Daemon::begin_shutdown(bool handing_over) {
    Parts& p = *parts_;
    if (p.closed) return;
    p.closed = true;
    p.server.close(handing_over);
    p.sampler.close();
    p.monit.close();
    p.notify.close();
    p.channels.close_all();
    p.sockets.close(handing_over);
    p.reaper.close();
    p.sink.close_all();
    if (handing_over) p.launcher.release_all();
    p.saver.close();
    p.keeper.close();
    p.deadline_timer.close();
    p.hand_over_timer.close();
    for (auto& s : p.signals) s.close();
}

}  // namespace tend
