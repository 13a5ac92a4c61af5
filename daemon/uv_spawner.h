// The real Spawner: uv_spawn in a new session, stdout/stderr on pipes handed
// to the LogSink, exits reported to the process table through a callback.
#pragma once

#include <uv.h>

#include <functional>
#include <optional>
#include <unordered_map>

#include "daemon/log_sink.h"
#include "daemon/spawner.h"

namespace tend {

class UvSpawner : public Spawner {
  public:
    using ExitHandler =
        std::function<void(int id, int pid, std::optional<int> code, std::optional<int> signal)>;

    UvSpawner(uv_loop_t* loop, LogSink& sink);
    ~UvSpawner() override;

    void on_exit(ExitHandler handler) { on_exit_ = std::move(handler); }
    int spawn(const SpawnRequest& request) override;
    void signal_group(int pid, int sig) override;

    // True while pid is an instance libuv still has to reap.
    bool owns(int pid) const { return live_.count(pid) != 0; }

  private:
    struct Child;
    static void handle_exit(uv_process_t* process, int64_t exit_status, int term_signal);

    uv_loop_t* loop_;
    LogSink& sink_;
    ExitHandler on_exit_;
    std::unordered_map<int, Child*> live_;  // pid → child, until its exit is handled
};

}  // namespace tend
