// The real Launcher: uv_spawn in a new session, stdout and stderr on pipes
// handed to the LogSink, the daemon's end of an IPC socketpair handed to
// InstanceChannels, a shared listening socket as fd 3; exits reported
// through a callback.
#pragma once

#include <uv.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "daemon/ipc/instance_channels.h"
#include "daemon/logs/log_sink.h"
#include "daemon/process/launcher.h"

namespace tend {

class UvLauncher : public Launcher {
  public:
    using ExitHandler =
        std::function<void(int id, int pid, std::optional<int> code, std::optional<int> signal)>;

    UvLauncher(uv_loop_t* loop, LogSink& sink, InstanceChannels& channels);
    ~UvLauncher() override;

    void on_exit(ExitHandler handler) { on_exit_ = std::move(handler); }
    int spawn(const SpawnRequest& request) override;
    void signal_group(int pid, int sig) override;
    void signal_process(int pid, int sig) override;

    // True while pid is an instance libuv still has to reap.
    bool owns(int pid) const { return live_.count(pid) != 0; }

  private:
    struct Child;
    static void handle_exit(uv_process_t* process, int64_t exit_status, int term_signal);

    uv_loop_t* loop_;
    LogSink& sink_;
    InstanceChannels& channels_;
    ExitHandler on_exit_;
    std::unordered_map<int, Child*> live_;  // pid → child, until its exit is handled
    std::string self_exe_;                  // tendd: the LISTEN_PID shim
};

}  // namespace tend
