// The real Spawner: uv_spawn in a new session, stdout/stderr on pipes handed
// to the LogSink, an IPC socketpair per instance, a shared listening socket
// as fd 3, exits and messages reported through callbacks.
#pragma once

#include <uv.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "daemon/ipc/app_message.h"
#include "daemon/cluster/node_cluster.h"
#include "daemon/ipc/ipc_channel.h"
#include "daemon/logs/log_sink.h"
#include "daemon/process/spawner.h"

namespace tend {

class UvSpawner : public Spawner {
  public:
    using ExitHandler =
        std::function<void(int id, int pid, std::optional<int> code, std::optional<int> signal)>;
    // A message an instance wrote on its IPC channel (not one of Node's own:
    // those go to the NodeCluster).
    using MessageHandler = std::function<void(int id, int pid, ParsedMessage message)>;

    UvSpawner(uv_loop_t* loop, LogSink& sink);
    ~UvSpawner() override;

    void on_exit(ExitHandler handler) { on_exit_ = std::move(handler); }
    void on_message(MessageHandler handler) { on_message_ = std::move(handler); }
    int spawn(const SpawnRequest& request) override;
    // A stopping instance also gets no new connection from the NodeCluster.
    void signal_group(int pid, int sig) override;
    int open_listener(const std::string& host, int port) override;
    void close_listener(int fd) override;
    bool send_message(int pid, const std::string& line) override;
    // Closes every IPC channel and shared socket (shutdown: they would keep
    // the loop alive).
    void close_channels();

    // True while pid is an instance libuv still has to reap.
    bool owns(int pid) const { return live_.count(pid) != 0; }

  private:
    struct Child;
    static void handle_exit(uv_process_t* process, int64_t exit_status, int term_signal);

    void open_channel(int fd, int id, int pid);

    uv_loop_t* loop_;
    LogSink& sink_;
    ExitHandler on_exit_;
    MessageHandler on_message_;
    std::unordered_map<int, Child*> live_;           // pid → child, until its exit is handled
    std::unordered_map<int, IpcChannel*> channels_;  // pid → channel, until its EOF
    std::string self_exe_;                           // tendd: the LISTEN_PID shim
    NodeCluster cluster_;
};

}  // namespace tend
