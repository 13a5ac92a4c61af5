// The table as a whole, for a daemon that takes over from another.
#include "common/errors.h"
#include "daemon/process/process_table.h"

namespace tend {

TableView ProcessTable::view() const {
    return TableView{next_id_, app_order_, apps_, instances_, reload_queue_, reloading_id_};
}

void ProcessTable::adopt(TableState state) {
    if (!instances_.empty() || !apps_.empty())
        throw TendError(ErrorCode::kInternal, "a table can only be adopted into an empty one");
    Changing changing(*this);  // the deadlines are re-armed when this ends
    next_id_ = state.next_id;
    app_order_ = std::move(state.app_order);
    apps_ = std::move(state.apps);
    instances_ = std::move(state.instances);
    reload_queue_ = std::move(state.reload_queue);
    reloading_id_ = state.reloading_id;
    resume_schedules();
}

std::vector<std::pair<int, int>> ProcessTable::processes() const {
    std::vector<std::pair<int, int>> out;
    for (const auto& [id, inst] : instances_) {
        if (inst.pid > 0) out.emplace_back(id, inst.pid);
        if (inst.retiring_pid > 0) out.emplace_back(id, inst.retiring_pid);
    }
    return out;
}

}  // namespace tend
