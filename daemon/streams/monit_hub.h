// Pushes the process table's state to monit subscribers: after every metrics
// round, and soon after any change (a crash, a restart), coalesced so a burst
// of changes costs one event.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>

#include "daemon/process/process_table.h"
#include "daemon/uv/handle.h"

namespace tend {

class MonitHub {
  public:
    using SubscriberId = std::uint64_t;
    // Gets the "state" event's data (a MonitState as JSON), built once a round.
    using Subscriber = std::function<void(const json& state)>;
    // Told the number of subscribers after each change: the sampler reads
    // each interval only while someone watches.
    using CountHook = std::function<void(std::size_t subscribers)>;

    MonitHub(uv_loop_t* loop, const ProcessTable& table, CountHook on_count = {});
    void close();

    SubscriberId subscribe(Subscriber subscriber);
    void unsubscribe(SubscriberId id);

    // Sends the state to every subscriber now; sample = after a metrics round.
    void publish(bool sample);
    // Sends it within kCoalesceMs, once however often this is called.
    void mark_changed();

  private:
    static constexpr std::uint64_t kCoalesceMs = 50;
    uv::Handle<uv_timer_t> timer_;
    const ProcessTable& table_;
    CountHook on_count_;
    std::map<SubscriberId, Subscriber> subscribers_;
    SubscriberId next_id_ = 1;
    bool pending_ = false;
};

}  // namespace tend
