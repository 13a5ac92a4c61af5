// Window management for the dashboard: layout changes recreate the
// windows; frames repaint only what the model marked.
#include "cli/monit/monit_view.h"

#include <algorithm>

#include "cli/monit/monit_input.h"
#include "cli/monit/panes.h"

namespace tend {
namespace {

// The help overlay's size: the longest help line and the line count, boxed.
std::pair<int, int> help_size() {
    int rows = 1;
    int width = 0;
    int line = 0;
    for (const char* c = help_text(); *c; ++c) {
        if (*c == '\n') {
            ++rows;
            width = std::max(width, line);
            line = 0;
        } else if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) {
            ++line;
        }
    }
    return {rows + 2, std::max(width, line) + 4};
}

bool contains(const Rect& rect, int y, int x) {
    return !rect.empty() && y >= rect.y && y < rect.y + rect.height && x >= rect.x &&
           x < rect.x + rect.width;
}

}  // namespace

MonitView::MonitView(Screen& screen) : screen_(screen) {}

void MonitView::on_resize() {
    stale_ = true;
}

Window MonitView::make_window(const Rect& rect) const {
    if (rect.empty()) return nullptr;
    return Window(newwin(rect.height, rect.width, rect.y, rect.x));
}

bool MonitView::relayout(const MonitModel& model) {
    Layout wanted =
        compute_layout(screen_.cols(), screen_.rows(), static_cast<int>(model.visible().size()));
    if (!stale_ && wanted == layout_) return false;
    stale_ = false;
    layout_ = wanted;
    help_.reset();
    if (layout_.too_small) {
        header_ = make_window(Rect{0, 0, screen_.rows(), screen_.cols()});
        list_.reset();
        details_.reset();
        logs_.reset();
        status_.reset();
    } else {
        header_ = make_window(layout_.header);
        list_ = make_window(layout_.list);
        details_ = make_window(layout_.details);
        logs_ = make_window(layout_.logs);
        status_ = make_window(layout_.status);
    }
    // No clear: the new windows tile the whole screen and are all painted
    // in this frame, so curses sends only the cells that moved.
    return true;
}

void MonitView::paint(const MonitModel& model, Dirty dirty) {
    if (relayout(model)) dirty.mark_all();
    if (layout_.too_small) {
        if (dirty.any() && header_) paint_too_small(header_.get(), screen_);
        doupdate();
        return;
    }
    if (dirty.header && header_) paint_header(header_.get(), screen_, model);
    if (dirty.list && list_) {
        int rows = layout_.list.height - 1;
        list_top_ = scroll_to_show(list_top_, model.selected_row(), rows,
                                   static_cast<int>(model.visible().size()));
        paint_list(list_.get(), screen_, model, list_top_);
    }
    if (dirty.details && details_) paint_details(details_.get(), screen_, model);
    if (dirty.logs && logs_) paint_logs(logs_.get(), screen_, model);
    if (dirty.status && status_) paint_status(status_.get(), screen_, model);
    if (dirty.any()) paint_overlay(model);
    doupdate();
}

void MonitView::paint_overlay(const MonitModel& model) {
    if (model.mode() != InputMode::kHelp) {
        help_.reset();
        return;
    }
    if (!help_) {
        auto [rows, cols] = help_size();
        rows = std::min(rows, screen_.rows());
        cols = std::min(cols, screen_.cols());
        help_ =
            make_window(Rect{(screen_.rows() - rows) / 2, (screen_.cols() - cols) / 2, rows, cols});
    }
    if (help_) paint_help(help_.get(), screen_);
}

int MonitView::log_page() const {
    return std::max(1, layout_.logs.height - 1);
}

int MonitView::list_row_at(int y) const {
    if (layout_.too_small || y <= layout_.list.y || y >= layout_.list.y + layout_.list.height)
        return -1;
    return list_top_ + y - layout_.list.y - 1;
}

bool MonitView::in_logs(int y, int x) const {
    return !layout_.too_small && contains(layout_.logs, y, x);
}

}  // namespace tend
