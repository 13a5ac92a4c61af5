// tendd as one object: owns the loop and every part that lives on it, wires
// them together, and runs until `tend kill` or SIGTERM/SIGINT.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/http_address.h"
#include "common/paths.h"
#include "daemon/ipc/app_message.h"
#include "daemon/runtime/runtime_options.h"

namespace tend {

class RuntimeStderrSink;  // daemon/runtime/runtime_log_sink.h

struct DaemonOptions {
    bool log_to_stderr = false;  // --foreground
    std::int64_t sample_interval_ms = 1000;
    // Nobody watching: every instance once this often (never below the above).
    std::int64_t idle_sample_interval_ms = 30'000;
    std::string version;  // what ping says and requests must match
    // --http: where to serve HTTP; wins over config.json's "http".
    std::optional<HttpAddress> http;
    // tend-runtime: start these apps, write their lines to stdout/stderr,
    // end when nothing is left to run (daemon/runtime/).
    std::optional<RuntimeOptions> runtime;
    // The open-file limit apps get (tendd raises its own: common/fd_limit.h);
    // 0: whatever tendd has.
    long child_nofile = 0;
};

class Daemon {
  public:
    Daemon(Paths paths, DaemonOptions options);
    ~Daemon();
    // Takes the home lock, listens, serves. Returns the process exit code.
    // Throws TendError when the daemon cannot start (another one runs).
    int run();

  private:
    struct Parts;
    void prepare_home();
    void start_parts();
    void start_http();
    void start_runtime();
    void watch_signals();
    // The table changed: the deadline timer goes to its next deadline, and
    // monit subscribers hear of it soon.
    void on_table_changed(std::optional<std::int64_t> next_deadline);
    // A line an instance wrote on its IPC channel; a READY=1 from pid.
    void on_message(int id, int pid, ParsedMessage message);
    void on_ready(int pid);
    // The one way out: stop every app, then(count) once all have exited,
    // then close everything so the loop ends.
    void stop_everything(std::function<void(std::size_t stopped)> then);
    void begin_shutdown(bool handing_over = false);
    void open_sockets();
    void take_over_apps();
    // `tend update`: hand everything to the keeper and exit for the binary
    // installed now (throws TendError when no keeper runs).
    void hand_over();
    void quiesce_logs(std::function<void()> then);
    void finish_hand_over();
    void handle_signal(int signum);

    Paths paths_;
    DaemonOptions options_;
    uv_loop_t loop_{};
    std::unique_ptr<Parts> parts_;
    int exit_code_ = 0;
    // tend-runtime's lines on stderr (the daemon's log sink there).
    std::shared_ptr<RuntimeStderrSink> runtime_log_;
};

}  // namespace tend
