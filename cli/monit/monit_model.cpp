// The dashboard's model: daemon data in, user moves in, dirty panes out.
#include "cli/monit/monit_model.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace tend {
namespace {

std::string lowercase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

template <typename T>
void push_capped(std::vector<T>& history, T value) {
    history.push_back(value);
    if (history.size() > kMetricsHistory)
        history.erase(history.begin(), history.end() - static_cast<long>(kMetricsHistory));
}

template <typename T>
void set_newest(std::vector<T>& history, T value) {
    if (history.empty())
        history.push_back(value);
    else
        history.back() = value;
}

}  // namespace

MonitModel::MonitModel(std::size_t lines_per_instance) : logs_(lines_per_instance) {
    dirty_.mark_all();
}

void MonitModel::load_snapshot(MonitResult snapshot) {
    instances_ = std::move(snapshot.instances);
    interval_ms_ = snapshot.interval_ms > 0 ? snapshot.interval_ms : 1000;
    // The snapshot carries each instance's spec: the details pane needs no
    // describe for what was there at connect time.
    for (auto& info : instances_)
        if (info.spec) specs_[info.id] = std::move(*info.spec), info.spec.reset();
    logs_.clear();
    for (auto& line : snapshot.tail) logs_.add(std::move(line));
    std::erase_if(specs_, [this](const auto& entry) { return !find(entry.first); });
    log_back_ = 0;
    refresh_visible();
    dirty_.mark_all();
}

void MonitModel::append_sample(InstanceInfo& info, const InstanceInfo* before, bool new_sample) {
    if (before) {
        info.cpu_history = before->cpu_history;
        info.memory_history = before->memory_history;
    }
    if (new_sample || !before) {
        push_capped(info.cpu_history, info.cpu);
        push_capped(info.memory_history, info.memory);
    } else {
        set_newest(info.cpu_history, info.cpu);
        set_newest(info.memory_history, info.memory);
    }
}

void MonitModel::apply_state(MonitState state) {
    bool new_sample = state.sample;
    std::unordered_map<int, const InstanceInfo*> before;
    for (const auto& info : instances_) before[info.id] = &info;
    for (auto& info : state.instances) {
        auto it = before.find(info.id);
        append_sample(info, it == before.end() ? nullptr : it->second, new_sample);
    }
    for (const auto& [id, info] : before) {
        bool gone = std::none_of(state.instances.begin(), state.instances.end(),
                                 [id = id](const InstanceInfo& i) { return i.id == id; });
        if (gone) {
            logs_.forget(id);
            specs_.erase(id);
            dirty_.logs = true;
        }
    }
    instances_ = std::move(state.instances);
    refresh_visible();
    dirty_.header = dirty_.list = dirty_.details = true;
}

void MonitModel::add_log(LogLine line) {
    if (log_back_ > 0 && in_log_scope(line.id)) ++log_back_;
    if (in_log_scope(line.id)) dirty_.logs = true;
    logs_.add(std::move(line));
}

void MonitModel::add_missed(const MissedEvent& missed) {
    if (!missed.id || missed.count <= 0) return;
    const InstanceInfo* info = find(*missed.id);
    LogLine notice;
    notice.id = *missed.id;
    notice.name = info ? info->name : "";
    notice.instance = info ? info->instance : 0;
    notice.stream = kMissedStream;
    notice.line = "[tend] " + std::to_string(missed.count) + " lines skipped";
    add_log(std::move(notice));
}

void MonitModel::set_spec(int id, AppSpec spec) {
    if (!find(id)) return;
    specs_[id] = std::move(spec);
    if (selected_id_ == id) dirty_.details = true;
}

void MonitModel::set_link(LinkState state, std::string detail) {
    if (state == link_ && detail == link_detail_) return;
    link_ = state;
    link_detail_ = std::move(detail);
    dirty_.header = dirty_.status = dirty_.list = true;
}

const InstanceInfo* MonitModel::find(int id) const {
    for (const auto& info : instances_)
        if (info.id == id) return &info;
    return nullptr;
}

const InstanceInfo* MonitModel::selected() const {
    if (selected_row_ < 0) return nullptr;
    return &instances_[visible_[static_cast<std::size_t>(selected_row_)]];
}

const AppSpec* MonitModel::spec_of(int id) const {
    auto it = specs_.find(id);
    return it == specs_.end() ? nullptr : &it->second;
}

std::optional<int> MonitModel::log_target() const {
    if (scope_ == LogScope::kAll) return std::nullopt;
    return selected_id_.value_or(-1);
}

bool MonitModel::in_log_scope(int id) const {
    return scope_ == LogScope::kAll || selected_id_ == id;
}

void MonitModel::refresh_visible() {
    std::string needle = lowercase(filter_);
    visible_.clear();
    for (std::size_t i = 0; i < instances_.size(); ++i)
        if (lowercase(instances_[i].name).find(needle) != std::string::npos) visible_.push_back(i);
    auto row = std::find_if(visible_.begin(), visible_.end(),
                            [this](std::size_t i) { return instances_[i].id == selected_id_; });
    if (row != visible_.end())
        selected_row_ = static_cast<int>(row - visible_.begin());
    else
        select_visible(selected_row_);
}

void MonitModel::select_visible(int row) {
    std::optional<int> before = selected_id_;
    if (visible_.empty()) {
        selected_row_ = -1;
        selected_id_.reset();
    } else {
        selected_row_ = std::clamp(row, 0, static_cast<int>(visible_.size()) - 1);
        selected_id_ = instances_[visible_[static_cast<std::size_t>(selected_row_)]].id;
    }
    dirty_.list = dirty_.details = true;
    if (selected_id_ != before && scope_ == LogScope::kSelected) {
        log_back_ = 0;
        dirty_.logs = true;
    }
}

void MonitModel::move_selection(int delta) {
    select_visible(std::max(0, selected_row_) + delta);
}

void MonitModel::select_row(int row) {
    select_visible(row);
}

void MonitModel::toggle_scope() {
    scope_ = scope_ == LogScope::kSelected ? LogScope::kAll : LogScope::kSelected;
    log_back_ = 0;
    dirty_.logs = dirty_.header = dirty_.status = true;
}

void MonitModel::scroll_logs(int delta, int page) {
    auto count = static_cast<long>(logs_.count(log_target()));
    long limit = std::max(0L, count - std::max(1, page));
    long back = std::clamp(static_cast<long>(log_back_) + delta, 0L, limit);
    if (static_cast<std::size_t>(back) == log_back_) return;
    log_back_ = static_cast<std::size_t>(back);
    dirty_.logs = true;
}

void MonitModel::follow_logs() {
    if (log_back_ == 0) return;
    log_back_ = 0;
    dirty_.logs = true;
}

void MonitModel::set_filter(std::string filter) {
    filter_ = std::move(filter);
    refresh_visible();
    dirty_.list = dirty_.details = dirty_.header = dirty_.status = true;
}

void MonitModel::set_mode(InputMode mode) {
    if (mode != InputMode::kConfirmDelete) pending_delete_.reset();
    mode_ = mode;
    dirty_.mark_all();
}

void MonitModel::ask_delete(int id) {
    pending_delete_ = id;
    mode_ = InputMode::kConfirmDelete;
    dirty_.status = true;
}

void MonitModel::set_status(std::string text, bool error) {
    status_ = std::move(text);
    status_is_error_ = error;
    dirty_.status = true;
}

Dirty MonitModel::take_dirty() {
    Dirty out = dirty_;
    dirty_ = Dirty{};
    return out;
}

std::string instance_label(const InstanceInfo& info) {
    return info.name + " #" + std::to_string(info.instance) + " (id " + std::to_string(info.id) +
           ")";
}

}  // namespace tend
