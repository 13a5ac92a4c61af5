// Start-up, wiring and shutdown of tendd. The parts are in daemon_parts.h;
// what has to do with the keeper (take-over, `tend update`) is in
// daemon_handover.cpp.
#include "daemon/daemon.h"

#include <fcntl.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "common/errors.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/daemon_parts.h"
#include "daemon/http/http_listener.h"
#include "daemon/logs/log_file.h"
#include "daemon/service_manager.h"
#include "daemon/uv/guard.h"
#include "keeper/wire.h"

namespace tend {
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
    // spdlog opens the file without close-on-exec: every app would inherit
    // tendd's own log. Set it on each open (the first, and each rotation).
    spdlog::file_event_handlers handlers;
    handlers.after_open = [](const spdlog::filename_t&, std::FILE* file) {
        ::fcntl(::fileno(file), F_SETFD, FD_CLOEXEC);
    };
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_st>(
        paths_.daemon_log, 5 << 20, 3, false, handlers));
    if (options_.runtime) {
        runtime_log_ = std::make_shared<RuntimeStderrSink>(options_.runtime->json);
        sinks.push_back(runtime_log_);
    } else if (options_.log_to_stderr)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_st>());
    auto logger = std::make_shared<spdlog::logger>("tendd", sinks.begin(), sinks.end());
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

int Daemon::run() {
    prepare_home();
    try {
        parts_ = std::make_unique<Parts>(&loop_, paths_, *this);
    } catch (const TendError& e) {
        // A bad config.json, say: tend points the user at this log.
        spdlog::error("cannot start: {}", e.what());
        throw;
    }
    try {
        start_parts();
    } catch (...) {
        // An HTTP address already taken, say: tend points the user at this log.
        try {
            throw;
        } catch (const std::exception& e) {
            spdlog::error("cannot start: {}", e.what());
        } catch (...) {
        }
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
    p.server.before_send([this] { parts_->saver.save_if_changed(); });
    start_http();  // first: a fresh daemon that fails here leaves the keeper nothing to hold
    open_sockets();
    take_over_apps();
    p.watcher.sync(p.table.watch_targets());  // a take-over's apps are watched anew
    watch_signals();
    // tend-runtime blocks SIGTERM and SIGINT until now: PID 1 would drop
    // them without a handler. Held pending, they arrive here.
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    ::sigprocmask(SIG_UNBLOCK, &stops, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    p.health.follow();  // the apps taken over
    p.saver.save_now();
    start_runtime();
    // Under `tend startup`'s unit: serving now. The keeper is the unit's main process.
    notify_service_ready(p.keeper.active() ? static_cast<int>(::getppid()) : ::getpid());
    p.keeper.serving();
}

// HTTP is off unless `--http` or config.json's "http" asks for it. An
// address that cannot be had stops a fresh daemon at start, as a bad
// config.json does: serving without what was asked for would hide it. A
// daemon taking over apps serves on without HTTP instead (and logs why):
// apps must never be left without a daemon for the sake of an endpoint.
void Daemon::start_http() {
    Parts& p = *parts_;
    std::optional<HttpAddress> address =
        options_.http ? options_.http : load_daemon_settings(paths_.home).http;
    if (!address) return;
    try {
        int fd = listen_http(*address);
        p.metrics.emplace(&loop_, p.table, p.sink, options_.version);
        HttpAddress bound = address->with_port(bound_port(fd));
        p.http_api.serve_at(bound);
        p.http.start(fd);
        p.services.http_url = "http://" + bound.authority();
        spdlog::info("serving HTTP at {}", p.services.http_url);
    } catch (const TendError& e) {
        if (p.handover.last_status < 0) throw;
        spdlog::error("taking over without HTTP: {}", e.what());
    }
}

// tend-runtime: the apps are started once the daemon serves, by `tend
// start` against it; the session ends the daemon when they are done.
void Daemon::start_runtime() {
    if (!options_.runtime) return;
    Parts& p = *parts_;
    // The runtime's own lines share the apps' stderr file from now on.
    std::shared_ptr<LogFile> console = p.sink.open(daemon_parts::console_logs(options_).err_path());
    runtime_log_->route_to([console](std::string_view line) {
        console->append(line);
        console->flush();
    });
    p.runtime.emplace(&loop_, p.table, *options_.runtime, [this] {
        if (!parts_->services.shutting_down) stop_everything(nullptr);
    });
    p.runtime->start();
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
    p.watcher.sync(p.table.watch_targets());
    p.monit.mark_changed();
    p.sampler.table_changed();  // a new instance is read within an interval
    p.saver.mark_dirty();
    p.health.follow();  // a new pid is probed, a gone one no more
    if (p.runtime) p.runtime->on_table_changed();
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
        try {
            handlers::reopen_logs(parts_->services);
        } catch (const TendError& e) {
            spdlog::error("SIGUSR2: {}", e.what());
        }
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
    if (p.runtime) p.runtime->before_stop();
    p.table.stop(ids);
    p.table.when_settled(ids, [this, then = std::move(then), n = ids.size()] {
        if (then) then(n);
        if (parts_->runtime) exit_code_ = parts_->runtime->exit_code();
        begin_shutdown();
    });
}

// Everything is stopped (or handed over): close every handle so uv_run
// returns. On a hand-over, the sockets' files stay for the next daemon.
void Daemon::begin_shutdown(bool handing_over) {
    Parts& p = *parts_;
    if (p.closed) return;
    p.closed = true;
    if (runtime_log_) runtime_log_->route_to(nullptr);  // its file closes below
    p.server.close(handing_over);
    p.sampler.close();
    p.health.close();
    p.monit.close();
    p.notify.close();
    p.channels.close_all();
    p.sockets.close(handing_over);
    p.reaper.close();
    p.sink.close_all();
    if (handing_over) p.launcher.release_all();
    p.launcher.close_spawner();  // it exits at once, and libuv reaps it
    p.saver.close();
    p.keeper.close();
    p.deadline_timer.close();
    p.hand_over_timer.close();
    p.watcher.close();
    p.http.close();
    p.http_api.close();
    if (p.metrics) p.metrics->close();
    if (p.runtime) p.runtime->close();
    for (auto& s : p.signals) s.close();
}

}  // namespace tend
