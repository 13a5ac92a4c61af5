// What a command handler may use: the daemon's parts (Services) and a
// Responder that can answer its request now or later, if the client is
// still there.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/paths.h"
#include "common/protocol.h"
#include "daemon/control/control_server.h"
#include "daemon/logs/log_sink.h"
#include "daemon/process/process_table.h"
#include "daemon/streams/message_bus.h"
#include "daemon/streams/monit_hub.h"

namespace tend {

struct Services {
    ProcessTable& table;
    LogSink& sink;
    ControlServer& server;
    const Paths& paths;
    MonitHub& monit;
    MessageBus& messages;
    std::int64_t sample_interval_ms;
    // Stops every app, calls then(count of instances) once all have exited,
    // and ends the daemon: `tend kill` and SIGTERM/SIGINT alike.
    std::function<void(std::function<void(std::size_t stopped)> then)> stop_everything;
    std::string version;  // the daemon's (tendd --version)
    // `tend update`: hands every app to the keeper and ends this daemon once
    // the reply is written; throws TendError when it cannot.
    std::function<void()> hand_over;
    bool shutting_down = false;
    std::string http_url;  // "http://127.0.0.1:9615" once serving HTTP; "" when off
};

// Answers one request. Copyable, so a handler can keep it for a deferred
// reply; every call is a no-op once the client has disconnected.
class Responder {
  public:
    Responder(ControlServer& server, std::uint64_t connection, std::int64_t request)
        : server_(&server), connection_(connection), request_(request) {}

    void reply(const json& result) const;
    // The same with the result already JSON text (`list`: written without a tree).
    void reply_text(std::string_view result) const;
    void error(ErrorCode code, std::string_view message) const;
    void event(std::string_view name, const json& data) const;
    // The same with data already JSON text (a line encoded once for every
    // follower), to the connection the caller has already looked up: on a
    // follower's hot path, one lookup a line rather than two.
    void event_text(Connection& to, std::string_view name, std::string_view data) const;
    // nullptr once the client has gone.
    Connection* connection() const { return server_->find(connection_); }
    std::int64_t request_id() const { return request_; }

  private:
    ControlServer* server_;
    std::uint64_t connection_;
    std::int64_t request_;
};

struct Context {
    Services& services;
    Responder responder;
};

}  // namespace tend
