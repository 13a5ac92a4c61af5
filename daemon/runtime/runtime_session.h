// tend-runtime inside the daemon: it starts the apps by running `tend start`
// with the runtime's words against this very daemon (so a file's
// depends_on order, its checks and its errors are the CLI's own), then
// watches the table and ends the daemon once nothing is left to run, with
// the exit status of daemon/runtime/runtime_outcome.h.
#pragma once

#include <uv.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/process/process_table.h"
#include "daemon/runtime/runtime_options.h"
#include "daemon/runtime/runtime_outcome.h"
#include "daemon/uv/handle.h"

namespace tend {

// The table's instances as the runtime judges them.
std::vector<RuntimeInstance> runtime_view(const ProcessTable& table);

class RuntimeSession {
  public:
    // end() stops every app and ends the daemon; called at most once.
    RuntimeSession(uv_loop_t* loop, const ProcessTable& table, RuntimeOptions options,
                   std::function<void()> end);
    ~RuntimeSession();
    RuntimeSession(const RuntimeSession&) = delete;
    RuntimeSession& operator=(const RuntimeSession&) = delete;

    // Runs `tend start WORDS`; throws TendError when it cannot be run.
    void start();
    // The table changed: whether anything is left to run is checked on the
    // next loop turn (never inside the table's own call).
    void on_table_changed();
    // Whether pid is the starter, which libuv reaps (not the orphan reaper).
    bool owns(int pid) const { return starter_pid_ != 0 && pid == starter_pid_; }
    // Every app is about to be stopped: what has already ended is judged as
    // it ended (stopping an errored instance would make it merely stopped).
    void before_stop();
    // The daemon's exit status, once every app has stopped: the starter's
    // when it failed, else the table's outcome. Logs why.
    int exit_code() const;
    // Stops the starter if it still runs, and the check.
    void close();

  private:
    void on_starter_exit(std::int64_t status, int signal);
    void check();

    const ProcessTable& table_;
    RuntimeOptions options_;
    std::function<void()> end_;
    uv::Handle<uv_timer_t> check_timer_;
    uv_process_t* starter_ = nullptr;  // freed by its close callback
    int starter_pid_ = 0;
    std::optional<int> starter_failed_;  // its exit status, when not 0
    std::vector<RuntimeInstance> ended_before_stop_;
    bool running_ = false;  // the apps are started: ending is armed
    bool ended_ = false;
    bool stopping_ = false;  // every app is being stopped
    bool closed_ = false;
};

}  // namespace tend
