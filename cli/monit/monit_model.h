// Everything the dashboard shows, with no terminal in sight: the instances
// and their metrics history, the log lines, the selection, the name filter,
// the log scope and scroll, the input mode and the status line. The event
// loop feeds it daemon events and keys; the view reads it and repaints the
// panes it marks as changed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/monit/log_store.h"
#include "common/messages.h"

namespace tend {

enum class LogScope { kSelected, kAll };
enum class InputMode { kNormal, kFilter, kConfirmDelete, kHelp };
enum class LinkState { kConnecting, kLive, kDown };

// Panes whose content changed since the view last painted them.
struct Dirty {
    bool header = false;
    bool list = false;
    bool details = false;
    bool logs = false;
    bool status = false;
    bool any() const { return header || list || details || logs || status; }
    void mark_all() { header = list = details = logs = status = true; }
};

class MonitModel {
  public:
    explicit MonitModel(std::size_t lines_per_instance = kLogLinesPerInstance);

    // ---- from the daemon ----
    // A fresh subscription's reply: replaces instances, history and logs,
    // keeping the selection when its instance still exists.
    void load_snapshot(MonitResult snapshot);
    // A "state" event: current values; each instance's history gains a
    // sample, or its newest sample is updated when the event came sooner
    // than a sampling interval after the last (events also follow changes).
    void apply_state(MonitState state);
    void add_log(LogLine line);
    // A "missed" event, shown in that instance's log as a notice line.
    void add_missed(const MissedEvent& missed);
    // Command line and cwd for the details pane, which the subscription does
    // not carry; kept for as long as the instance exists.
    void set_spec(int id, AppSpec spec);
    void set_link(LinkState state, std::string detail = "");

    // ---- what the view reads ----
    const std::vector<InstanceInfo>& instances() const { return instances_; }
    // Indexes into instances() that pass the filter, in list order.
    const std::vector<std::size_t>& visible() const { return visible_; }
    // The selected row of visible(), or -1 when nothing is shown.
    int selected_row() const { return selected_row_; }
    const InstanceInfo* selected() const;
    const AppSpec* spec_of(int id) const;
    LogScope scope() const { return scope_; }
    // The instance whose lines the log pane shows; nullopt = every instance.
    std::optional<int> log_target() const;
    const LogStore& logs() const { return logs_; }
    // How far the log pane is scrolled back from the newest line.
    std::size_t log_back() const { return log_back_; }
    const std::string& filter() const { return filter_; }
    InputMode mode() const { return mode_; }
    LinkState link() const { return link_; }
    const std::string& link_detail() const { return link_detail_; }
    const std::string& status() const { return status_; }
    bool status_is_error() const { return status_is_error_; }
    std::optional<int> pending_delete() const { return pending_delete_; }

    // ---- what the user does ----
    void move_selection(int delta);
    void select_row(int row);
    void toggle_scope();
    // Scrolls the log pane back (positive) or forward; the pane shows `page`
    // rows, so it never scrolls past the oldest line.
    void scroll_logs(int delta, int page);
    void follow_logs();
    void set_filter(std::string filter);
    void set_mode(InputMode mode);
    void ask_delete(int id);
    void set_status(std::string text, bool error = false);

    // The panes changed since the last take_dirty(), which clears them.
    const Dirty& dirty() const { return dirty_; }
    Dirty take_dirty();
    void mark_all_dirty() { dirty_.mark_all(); }

  private:
    // Rebuilds visible_ from the filter and keeps the selection on its
    // instance, or on the nearest row when that instance is gone.
    void refresh_visible();
    void select_visible(int row);
    const InstanceInfo* find(int id) const;
    bool in_log_scope(int id) const;
    void append_sample(InstanceInfo& info, const InstanceInfo* before, bool new_sample);

    std::vector<InstanceInfo> instances_;
    std::vector<std::size_t> visible_;
    std::map<int, AppSpec> specs_;
    LogStore logs_;
    std::optional<int> selected_id_;
    int selected_row_ = -1;
    LogScope scope_ = LogScope::kSelected;
    std::size_t log_back_ = 0;
    std::string filter_;
    InputMode mode_ = InputMode::kNormal;
    std::optional<int> pending_delete_;
    LinkState link_ = LinkState::kConnecting;
    std::string link_detail_;
    std::string status_;
    bool status_is_error_ = false;
    std::int64_t interval_ms_ = 1000;
    Dirty dirty_;
};

// "api #0 (id 3)": how status messages name an instance.
std::string instance_label(const InstanceInfo& info);

}  // namespace tend
