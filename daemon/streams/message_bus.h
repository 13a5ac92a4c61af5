// Messages instances send (not readiness), for `tend events` subscribers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "common/messages.h"

namespace tend {

class MessageBus {
  public:
    using SubscriberId = std::uint64_t;
    using Subscriber = std::function<void(const AppMessage&)>;

    SubscriberId subscribe(Subscriber s) {
        subscribers_.emplace(next_id_, std::move(s));
        return next_id_++;
    }
    void unsubscribe(SubscriberId id) { subscribers_.erase(id); }

    void publish(const AppMessage& message) {
        // A subscriber may unsubscribe (its client gone) while we iterate.
        std::vector<Subscriber> targets;
        for (const auto& [id, s] : subscribers_) targets.push_back(s);
        for (const auto& s : targets) s(message);
    }

  private:
    std::map<SubscriberId, Subscriber> subscribers_;
    SubscriberId next_id_ = 1;
};

}  // namespace tend
