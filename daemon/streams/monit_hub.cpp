// State events for monit subscribers.
#include "daemon/streams/monit_hub.h"

#include <vector>

#include "common/messages.h"
#include "daemon/uv/guard.h"

namespace tend {

MonitHub::MonitHub(uv_loop_t* loop, const ProcessTable& table, CountHook on_count)
    : timer_("monit timer", uv_timer_init, loop, this),
      table_(table),
      on_count_(std::move(on_count)) {
    uv_unref(timer_.base());
}

void MonitHub::close() {
    subscribers_.clear();
    timer_.close();
}

MonitHub::SubscriberId MonitHub::subscribe(Subscriber subscriber) {
    SubscriberId id = next_id_++;
    subscribers_.emplace(id, std::move(subscriber));
    if (on_count_) on_count_(subscribers_.size());
    return id;
}

void MonitHub::unsubscribe(SubscriberId id) {
    if (subscribers_.erase(id) && on_count_) on_count_(subscribers_.size());
}

void MonitHub::publish(bool sample) {
    pending_ = false;
    if (timer_) uv_timer_stop(timer_.get());
    if (subscribers_.empty()) return;
    json state = MonitState{table_.infos(table_.all_ids(), false), sample};
    // A subscriber may unsubscribe (its client gone) while we iterate.
    std::vector<Subscriber> targets;
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
    for (const auto& s : targets) s(state);
}

void MonitHub::mark_changed() {
    if (!timer_ || pending_ || subscribers_.empty()) return;
    pending_ = true;
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("monit timer", [t] { static_cast<MonitHub*>(t->data)->publish(false); });
        },
        kCoalesceMs, 0);
}

}  // namespace tend
