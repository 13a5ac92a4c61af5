// The details pane: the selected instance's fields, labels muted, the
// status in its colour.
#include "cli/monit/cell_text.h"
#include "cli/monit/details_text.h"
#include "cli/monit/panes.h"

namespace tend {

void paint_details(WINDOW* win, const Screen& screen, const MonitModel& model) {
    werase(win);
    const InstanceInfo* info = model.selected();
    paint_title(win, screen, info ? "details · " + instance_label(*info) : "details", "");
    if (!info) {
        wnoutrefresh(win);
        return;
    }
    int rows = getmaxy(win) - 1;
    // Beside the logs, a rule keeps the two panes' text apart.
    if (getbegx(win) > 0) {
        wattrset(win, screen.attr(Role::kMuted));
        mvwvline(win, 1, 0, ACS_VLINE, rows);
        wattrset(win, A_NORMAL);
    }
    auto lines = details_lines(*info, model.spec_of(info->id), getmaxx(win) - 1, rows);
    int y = 1;
    for (const auto& line : lines) {
        bool status = line.label.rfind("status", 0) == 0;
        attr_t value_attr = status ? screen.attr(status_role(info->status)) : A_NORMAL;
        put_text(win, y, 1, line.label, screen.attr(Role::kMuted));
        put_text(win, y, 1 + static_cast<int>(line.label.size()), line.value, value_attr);
        ++y;
    }
    wnoutrefresh(win);
}

}  // namespace tend
