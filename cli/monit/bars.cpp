// The one-row panes (header and status line), titles, the help overlay and
// the too-small notice: the painters' shared plumbing.
#include <algorithm>
#include <cstring>
#include <string_view>

#include "cli/monit/cell_text.h"
#include "cli/monit/layout.h"
#include "cli/monit/monit_input.h"
#include "cli/monit/panes.h"
#include "cli/render/format.h"

namespace tend {
namespace {

constexpr const char* kHints =
    "↑↓ select  Tab logs  r restart  s stop/start  d delete  / filter  ? help  q quit";

std::string counts_text(const MonitModel& model) {
    int online = 0;
    int errored = 0;
    for (const auto& info : model.instances()) {
        online += info.status == InstanceState::kOnline;
        errored += info.status == InstanceState::kErrored;
    }
    std::string text = std::to_string(model.instances().size()) + " instances · " +
                       std::to_string(online) + " online";
    if (errored > 0) text += " · " + std::to_string(errored) + " errored";
    if (!model.filter().empty())
        text += " · filter '" + model.filter() + "': " + std::to_string(model.visible().size()) +
                " shown";
    return text;
}

std::pair<std::string, Role> link_text(const MonitModel& model) {
    switch (model.link()) {
        case LinkState::kLive:
            return {"● live", Role::kGood};
        case LinkState::kConnecting:
            return {"connecting…", Role::kBusy};
        case LinkState::kDown:
            break;
    }
    std::string text =
        model.link_detail().empty() ? "daemon not running — retrying" : model.link_detail();
    return {text, Role::kBad};
}

}  // namespace

void put_text(WINDOW* win, int y, int x, const std::string& text, attr_t attr) {
    wattrset(win, attr);
    mvwaddstr(win, y, x, text.c_str());
    wattrset(win, A_NORMAL);
}

void paint_title(WINDOW* win, const Screen& screen, const std::string& left,
                 const std::string& right) {
    auto width = static_cast<std::size_t>(getmaxx(win));
    std::size_t right_width = std::min(display_width(right), width / 2);
    std::string text = fit(left, width - right_width) + fit(right, right_width, Align::kRight);
    put_text(win, 0, 0, text, screen.attr(Role::kTitle));
}

Role status_role(InstanceState state) {
    switch (state) {
        case InstanceState::kOnline:
            return Role::kGood;
        case InstanceState::kErrored:
            return Role::kBad;
        case InstanceState::kStopped:
        case InstanceState::kCompleted:
            return Role::kMuted;
        default:
            return Role::kBusy;
    }
}

void paint_header(WINDOW* win, const Screen& screen, const MonitModel& model) {
    werase(win);
    auto width = static_cast<std::size_t>(getmaxx(win));
    auto [link, role] = link_text(model);
    std::size_t link_width = std::min(display_width(link) + 1, width / 2);
    std::string name = " tend monit  ";
    std::size_t counts_width = width - link_width - std::min(display_width(name), width);
    put_text(win, 0, 0, fit(name, width - link_width), A_BOLD);
    put_text(win, 0, static_cast<int>(display_width(name)), fit(counts_text(model), counts_width),
             A_NORMAL);
    put_text(win, 0, static_cast<int>(width - link_width), fit(link, link_width - 1),
             screen.attr(role) | A_BOLD);
    wnoutrefresh(win);
}

void paint_status(WINDOW* win, const Screen& screen, const MonitModel& model) {
    werase(win);
    auto width = static_cast<std::size_t>(getmaxx(win));
    if (model.mode() == InputMode::kFilter) {
        std::string prompt = "/" + model.filter() + "▏  Enter keeps, Esc clears";
        put_text(win, 0, 0, fit(prompt, width), screen.attr(Role::kBusy) | A_BOLD);
    } else if (model.mode() == InputMode::kConfirmDelete) {
        put_text(win, 0, 0, fit(model.status(), width), screen.attr(Role::kBusy) | A_BOLD);
    } else if (!model.status().empty()) {
        Role role = model.status_is_error() ? Role::kBad : Role::kPlain;
        put_text(win, 0, 0, fit(model.status(), width), screen.attr(role));
    } else {
        put_text(win, 0, 0, fit(kHints, width), screen.attr(Role::kMuted));
    }
    wnoutrefresh(win);
}

void paint_help(WINDOW* win, const Screen& screen) {
    werase(win);
    wattrset(win, screen.attr(Role::kMuted));
    box(win, 0, 0);
    wattrset(win, A_NORMAL);
    auto width = static_cast<std::size_t>(std::max(0, getmaxx(win) - 4));
    put_text(win, 0, 2, fit(" tend monit keys ", std::min<std::size_t>(17, width)), A_BOLD);
    std::string_view text = help_text();
    int y = 1;
    while (!text.empty() && y < getmaxy(win) - 1) {
        auto nl = text.find('\n');
        put_text(win, y++, 2, fit(text.substr(0, nl), width), A_NORMAL);
        text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    }
    touchwin(win);
    wnoutrefresh(win);
}

void paint_too_small(WINDOW* win, const Screen& screen) {
    werase(win);
    std::string text = "tend monit needs " + std::to_string(kMinCols) + "x" +
                       std::to_string(kMinRows) + "; q quits";
    put_text(win, 0, 0, fit(text, static_cast<std::size_t>(getmaxx(win))), A_BOLD);
    wnoutrefresh(win);
}

}  // namespace tend
