// The dashboard on the terminal: one curses window per pane, placed by
// compute_layout(), painted when the model marks a pane as changed, and one
// doupdate() per frame so the terminal gets only the cells that changed.
#pragma once

#include "cli/monit/layout.h"
#include "cli/monit/monit_model.h"
#include "cli/monit/screen.h"

namespace tend {

class MonitView {
  public:
    explicit MonitView(Screen& screen);

    // Paints the dirty panes (every pane when the layout changed, after a
    // resize or when the list grows or shrinks) and updates the terminal.
    void paint(const MonitModel& model, Dirty dirty);

    // After KEY_RESIZE: the next paint lays the panes out again.
    void on_resize();

    // Rows of log lines the log pane shows.
    int log_page() const;
    // The row of model.visible() drawn at screen row y, or -1.
    int list_row_at(int y) const;
    // Whether screen row y, column x is in the log pane.
    bool in_logs(int y, int x) const;

  private:
    // Recreates the windows when the layout for this size and list differs.
    bool relayout(const MonitModel& model);
    Window make_window(const Rect& rect) const;
    void paint_overlay(const MonitModel& model);

    Screen& screen_;
    Layout layout_;
    bool stale_ = true;
    int list_top_ = 0;
    Window header_;
    Window list_;
    Window details_;
    Window logs_;
    Window status_;
    Window help_;
};

}  // namespace tend
