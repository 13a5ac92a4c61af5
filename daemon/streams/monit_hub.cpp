// State events for monit subscribers.
#include "daemon/streams/monit_hub.h"

#include <vector>

#include "common/messages.h"

namespace tend {

MonitHub::MonitHub(uv_loop_t* loop, const ProcessTable& table) : table_(table) {
    uv_timer_init(loop, &timer_);
    timer_.data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
    open_ = true;
}

void MonitHub::close() {
    if (!open_) return;
    open_ = false;
    subscribers_.clear();
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
}

MonitHub::SubscriberId MonitHub::subscribe(Subscriber subscriber) {
    SubscriberId id = next_id_++;
    subscribers_.emplace(id, std::move(subscriber));
    return id;
}

void MonitHub::unsubscribe(SubscriberId id) {
    subscribers_.erase(id);
}

void MonitHub::publish(bool sample) {
    pending_ = false;
    if (open_) uv_timer_stop(&timer_);
    if (subscribers_.empty()) return;
    json state = MonitState{table_.infos(table_.all_ids(), false), sample};
    // A subscriber may unsubscribe (its client gone) while we iterate.
    std::vector<Subscriber> targets;
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
    for (const auto& s : targets) s(state);
}

void MonitHub::mark_changed() {
    if (!open_ || pending_ || subscribers_.empty()) return;
    pending_ = true;
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<MonitHub*>(t->data)->publish(false); },
        kCoalesceMs, 0);
}

}  // namespace tend
