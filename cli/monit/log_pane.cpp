// The log pane: the selected instance's lines, or every instance's with an
// `id|name|` prefix in a colour per id; stderr lines stand out in red (bold
// without colour), skipped-line notices in yellow.
#include <array>

#include "cli/monit/cell_text.h"
#include "cli/monit/panes.h"
#include "cli/render/format.h"

namespace tend {
namespace {

Role prefix_role(int id) {
    constexpr std::array<Role, 4> kCycle{Role::kAccent1, Role::kAccent2, Role::kAccent3,
                                         Role::kAccent4};
    return kCycle[static_cast<std::size_t>(id < 0 ? -id : id) % kCycle.size()];
}

Role line_role(const LogLine& line) {
    if (line.stream == "err") return Role::kBad;
    if (line.stream == kMissedStream) return Role::kBusy;
    return Role::kPlain;
}

std::string target_text(const MonitModel& model) {
    if (model.scope() == LogScope::kAll) return "logs · all instances";
    const InstanceInfo* info = model.selected();
    return info ? "logs · " + instance_label(*info) : "logs";
}

std::string scroll_text(const MonitModel& model) {
    std::string scope = model.scope() == LogScope::kAll ? "Tab: selected" : "Tab: all";
    if (model.log_back() == 0) return scope + " ";
    return std::to_string(model.log_back()) + " lines back · f follows · " + scope + " ";
}

void paint_line(WINDOW* win, const Screen& screen, int y, const LogLine& line, bool prefixed) {
    auto width = static_cast<std::size_t>(getmaxx(win));
    std::size_t x = 0;
    if (prefixed) {
        // A merged log file's past line names no instance (id -1): "-|api| ".
        std::string prefix = line.id < 0 ? std::string("-") : std::to_string(line.id);
        prefix.append("|").append(line.name).append("| ");
        if (display_width(prefix) > width) prefix = fit(prefix, width);
        put_text(win, y, 0, prefix, screen.attr(prefix_role(line.id)));
        x = display_width(prefix);
    }
    if (x >= width) return;
    put_text(win, y, static_cast<int>(x), fit(printable(line.line), width - x),
             screen.attr(line_role(line)));
}

}  // namespace

void paint_logs(WINDOW* win, const Screen& screen, const MonitModel& model) {
    werase(win);
    paint_title(win, screen, target_text(model), scroll_text(model));
    auto rows = static_cast<std::size_t>(std::max(0, getmaxy(win) - 1));
    std::optional<int> target = model.log_target();
    auto lines = model.logs().window(target, rows, model.log_back());
    if (lines.empty()) {
        std::string empty = target == -1 ? "no instance selected" : "no log lines yet";
        put_text(win, 1, 1, fit(empty, static_cast<std::size_t>(getmaxx(win) - 1)),
                 screen.attr(Role::kMuted));
    }
    // Newest at the bottom, like a terminal.
    int y = static_cast<int>(rows - lines.size()) + 1;
    for (const LogEntry* entry : lines) paint_line(win, screen, y++, entry->line, !target);
    wnoutrefresh(win);
}

}  // namespace tend
