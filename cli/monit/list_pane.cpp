// The process list: column titles, then one row per visible instance, the
// selected one in reverse video, statuses in their colours.
#include "cli/monit/cell_text.h"
#include "cli/monit/list_row.h"
#include "cli/monit/panes.h"

namespace tend {
namespace {

attr_t cell_attr(const Screen& screen, const Cell& cell, const InstanceInfo& info) {
    switch (cell.column) {
        case Column::kStatus:
            return screen.attr(status_role(info.status));
        case Column::kCpuSpark:
            return screen.attr(Role::kAccent1);
        case Column::kMemorySpark:
            return screen.attr(Role::kAccent3);
        default:
            return A_NORMAL;
    }
}

// stale: the daemon is gone, so the values are the last it sent.
void paint_row(WINDOW* win, const Screen& screen, int y, const InstanceInfo& info,
               const ListColumns& columns, bool selected, bool stale) {
    attr_t extra = selected ? screen.attr(Role::kSelected) : A_NORMAL;
    if (stale) extra |= A_DIM;
    if (selected)
        put_text(win, y, 0, std::string(static_cast<std::size_t>(getmaxx(win)), ' '), extra);
    for (const Cell& cell : list_cells(info, columns))
        put_text(win, y, cell.x, cell.text, cell_attr(screen, cell, info) | extra);
}

}  // namespace

void paint_list(WINDOW* win, const Screen& screen, const MonitModel& model, int top) {
    werase(win);
    int width = getmaxx(win);
    ListColumns columns = list_columns(width);
    std::string titles;
    for (const Cell& cell : list_title_cells(columns))
        titles += (titles.empty() ? "" : " ") + cell.text;
    paint_title(win, screen, titles, "");
    const auto& visible = model.visible();
    if (visible.empty()) {
        std::string empty = model.instances().empty()
                                ? "no apps yet: start one with `tend start <script>`"
                                : "no app name matches the filter";
        put_text(win, 1, 1, fit(empty, static_cast<std::size_t>(width - 1)),
                 screen.attr(Role::kMuted));
    }
    for (int y = 1; y < getmaxy(win); ++y) {
        auto row = static_cast<std::size_t>(top + y - 1);
        if (row >= visible.size()) break;
        paint_row(win, screen, y, model.instances()[visible[row]], columns,
                  static_cast<int>(row) == model.selected_row(), model.link() != LinkState::kLive);
    }
    wnoutrefresh(win);
}

}  // namespace tend
