// The painters of the dashboard's panes. Each erases its window and draws
// it whole from the model; curses then sends the terminal only the cells
// that differ from what it shows, so a repaint never flickers.
#pragma once

#include <string>

#include "cli/monit/monit_model.h"
#include "cli/monit/screen.h"

namespace tend {

// Writes text at (y, x) with attributes; the text must fit the window.
void put_text(WINDOW* win, int y, int x, const std::string& text, attr_t attr);

// A pane's title row: left text, right text flush right, in the title style.
void paint_title(WINDOW* win, const Screen& screen, const std::string& left,
                 const std::string& right);

// One row: tend monit, the counts, the filter, the connection.
void paint_header(WINDOW* win, const Screen& screen, const MonitModel& model);
// Column titles, then the visible instances from row `top` on.
void paint_list(WINDOW* win, const Screen& screen, const MonitModel& model, int top);
void paint_details(WINDOW* win, const Screen& screen, const MonitModel& model);
void paint_logs(WINDOW* win, const Screen& screen, const MonitModel& model);
// One row: a prompt, the last message, or the key hints.
void paint_status(WINDOW* win, const Screen& screen, const MonitModel& model);
// The help overlay, boxed.
void paint_help(WINDOW* win, const Screen& screen);
// The whole screen when it is too small for the panes.
void paint_too_small(WINDOW* win, const Screen& screen);

// The role an instance's status is painted in.
Role status_role(InstanceState state);

}  // namespace tend
