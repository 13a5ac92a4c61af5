// The IPC channels of every running instance, by pid: opened when the
// instance is launched, gone at its EOF. The real Messenger (`tend send`),
// and the one place that sorts what instances write: Node's own cluster
// messages go to the socket broker, the rest (ready, data) to the daemon.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <unordered_map>

#include "daemon/ipc/app_message.h"
#include "daemon/ipc/ipc_channel.h"
#include "daemon/ipc/messenger.h"

namespace tend {

class InstanceChannels : public Messenger {
  public:
    // A message of the instance's own: "ready", or data for `tend events`.
    using MessageHandler = std::function<void(int id, int pid, ParsedMessage message)>;
    // One of Node's internal messages ("cmd": "NODE_..."), for its cluster primary.
    using InternalHandler = std::function<void(int pid, const json& message)>;

    explicit InstanceChannels(uv_loop_t* loop) : loop_(loop) {}

    void on_message(MessageHandler handler) { on_message_ = std::move(handler); }
    void on_internal(InternalHandler handler) { on_internal_ = std::move(handler); }

    // Adopts fd, the daemon's end of the channel of instance id (process pid).
    void open(int fd, int id, int pid);
    bool send_message(int pid, const std::string& line) override;
    // The same, with a copy of socket fd attached when fd >= 0 (Node's newconn).
    bool send(int pid, const std::string& line, int fd);
    // Closes every channel (shutdown: they would keep the loop alive).
    void close_all();

  private:
    void route(int id, int pid, std::string_view line);

    uv_loop_t* loop_;
    MessageHandler on_message_;
    InternalHandler on_internal_;
    std::unordered_map<int, IpcChannel*> channels_;  // pid → channel, until its EOF
};

}  // namespace tend
