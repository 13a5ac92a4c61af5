// monit's one subscription to the daemon: the request, the snapshot reply
// and the stream of "state", "log" and "missed" events, applied to the
// model. When the daemon goes away it says so on the model and tries a new
// connection every second; those retries never start a daemon.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "cli/client.h"
#include "cli/command_context.h"
#include "cli/monit/monit_model.h"
#include "common/messages.h"

namespace tend {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds on the steady clock, the time base the model's samples use.
std::int64_t steady_ms(SteadyClock::time_point when);

class Subscription {
  public:
    Subscription(Paths paths, MonitArgs args);

    // The first connection, made before the screen takes over so that its
    // errors read like any command's: it may start the daemon, as other
    // commands do, and it waits for the snapshot. Throws TendError.
    void open(const CommandContext& ctx, MonitModel& model);

    // The socket to poll, or -1 between connections.
    int fd() const { return client_ ? client_->fd() : -1; }

    // Reads what the socket holds and applies every complete message.
    void on_readable(MonitModel& model);

    // Between connections, once the retry time has come: connects again.
    void retry_if_due(MonitModel& model, SteadyClock::time_point now);

    // Milliseconds until the next retry; nullopt while connected.
    std::optional<int> ms_until_retry(SteadyClock::time_point now) const;

  private:
    void start(Client client, MonitModel& model);
    // Applies one reply or event; false when the connection must be dropped.
    bool apply(const Response& response, MonitModel& model);
    void drop(MonitModel& model, const std::string& why);

    Paths paths_;
    MonitArgs args_;
    std::optional<Client> client_;
    bool awaiting_reply_ = false;
    SteadyClock::time_point next_retry_{};
};

}  // namespace tend
