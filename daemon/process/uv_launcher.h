// The real Launcher: tend-spawner (or, without it, uv_spawn) in a new session, stdout and stderr on
// pipes handed to the LogSink, the daemon's end of an IPC socketpair handed to InstanceChannels, a
// shared listening socket as fd 3; exits reported through a callback.
#pragma once

#include <uv.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "daemon/handover/keeper_link.h"
#include "daemon/ipc/instance_channels.h"
#include "daemon/logs/log_sink.h"
#include "daemon/process/launcher.h"
#include "daemon/process/spawner_client.h"

namespace tend {

// Throws TendError(kSpawnFailed) "cannot start 'name': what: reason" for an
// errno of the daemon's own; running out of descriptors names the limit.
[[noreturn]] void throw_start_error(const std::string& name, const std::string& what, int err);

class UvLauncher : public Launcher {
  public:
    using ExitHandler =
        std::function<void(int id, int pid, std::optional<int> code, std::optional<int> signal)>;

    // Each instance's pipes and channel are held by keeper too, so they
    // outlive this daemon (inactive: nobody holds them).
    // child_nofile: the descriptor limit apps get (tendd raises its own).
    UvLauncher(uv_loop_t* loop, LogSink& sink, InstanceChannels& channels, KeeperLink& keeper,
               long child_nofile = 0);
    ~UvLauncher() override;

    void on_exit(ExitHandler handler) { on_exit_ = std::move(handler); }
    int spawn(const SpawnRequest& request) override;
    void signal_group(int pid, int sig) override;
    void signal_process(int pid, int sig) override;

    // True while pid is an instance (or tend-spawner) still to be reaped.
    bool owns(int pid) const {
        return live_.count(pid) != 0 || watched_.count(pid) != 0 || spawner_.owns(pid);
    }

    // Process pid of r.id, started by a daemon that is gone and now the
    // keeper's child: reads its pipes and channel (handed over by the
    // keeper; -1 when missing) again, and reports its exit when the keeper
    // does. Throws TendError when its log file cannot be opened.
    void adopt(const SpawnRequest& r, int pid, int out_fd, int err_fd, int ipc_fd);
    // The keeper reaped pid with wait status status: false when pid is no
    // adopted instance (a leftover of one, say).
    bool on_keeper_exit(int pid, int status);
    bool adopted(int pid) const { return adopted_.count(pid) != 0; }
    // A hand-over: stops watching every child (they run on, and become the
    // keeper's when this daemon exits) so the loop can end.
    void release_all();
    // Shutting down: tend-spawner is told to exit (the loop ends once libuv
    // has reaped it). A start after this would start another.
    void close_spawner() { spawner_.close(); }

  private:
    struct Child;    // started by libuv (no tend-spawner), reaped by it
    struct Watched;  // started by tend-spawner, its exit seen on a pidfd
    int start_by_spawner(const SpawnRequest& r, const std::vector<int>& fds);
    int start_by_libuv(const SpawnRequest& r, const std::vector<int>& fds);
    void watch_exit(const SpawnRequest& r, int pid);
    void close_watched(Watched* w);
    // Stops hearing of the spawner's children: their exits no longer reach
    // us; with close, their pidfds are closed too.
    void let_go_of_watched(bool close);
    static void handle_pidfd(uv_poll_t* poll, int status, int events);
    static void handle_exit(uv_process_t* process, int64_t exit_status, int term_signal);
    void report_exit(int id, int pid, std::optional<int> code, std::optional<int> signal);
    void hold_streams(int pid, int out_fd, int err_fd, int ipc_fd);

    uv_loop_t* loop_;
    LogSink& sink_;
    InstanceChannels& channels_;
    KeeperLink& keeper_;
    ExitHandler on_exit_;
    SpawnerClient spawner_;
    std::unordered_map<int, Child*> live_;       // pid → child, until its exit is handled
    std::unordered_map<int, Watched*> watched_;  // likewise, for the spawner's
    std::unordered_map<int, int> adopted_;       // pid → instance id, the keeper's children
    std::string self_exe_;                       // tendd: the LISTEN_PID shim
};

}  // namespace tend
