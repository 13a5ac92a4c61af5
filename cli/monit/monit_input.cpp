// Key handling per input mode: normal, typing a filter, confirming a
// delete, reading the help.
#include "cli/monit/monit_input.h"

#include <curses.h>

namespace tend {
namespace {

constexpr int kCtrlC = 3;
constexpr int kEscape = 27;
constexpr int kDelete = 127;
constexpr int kCtrlH = 8;
constexpr int kWheelLines = 3;

bool is_enter(int key) {
    return key == '\n' || key == '\r' || key == KEY_ENTER;
}

bool is_backspace(int key) {
    return key == KEY_BACKSPACE || key == kDelete || key == kCtrlH;
}

Intent quit() {
    return Intent{IntentKind::kQuit, -1, ""};
}

Intent intent_for(IntentKind kind, const InstanceInfo& info) {
    return Intent{kind, info.id, instance_label(info)};
}

// s: stop what runs; start (through restart) what is stopped or errored.
Intent stop_or_start(const InstanceInfo& info) {
    bool down = info.status == InstanceState::kStopped || info.status == InstanceState::kErrored ||
                info.status == InstanceState::kCompleted;
    return intent_for(down ? IntentKind::kStart : IntentKind::kStop, info);
}

// Drops the last UTF-8 code point of text.
void pop_code_point(std::string& text) {
    while (!text.empty()) {
        bool lead = (static_cast<unsigned char>(text.back()) & 0xC0) != 0x80;
        text.pop_back();
        if (lead) return;
    }
}

bool handle_navigation(MonitModel& model, int key, int log_page) {
    switch (key) {
        case KEY_UP:
            model.move_selection(-1);
            return true;
        case KEY_DOWN:
            model.move_selection(1);
            return true;
        case KEY_HOME:
            model.select_row(0);
            return true;
        case KEY_END:
            model.select_row(static_cast<int>(model.visible().size()) - 1);
            return true;
        case KEY_PPAGE:
            model.scroll_logs(log_page - 1, log_page);
            return true;
        case KEY_NPAGE:
            model.scroll_logs(-(log_page - 1), log_page);
            return true;
        default:
            return false;
    }
}

Intent handle_action(MonitModel& model, int key) {
    const InstanceInfo* info = model.selected();
    if (!info) return {};
    switch (key) {
        case 'r':
            return intent_for(IntentKind::kRestart, *info);
        case 's':
            return stop_or_start(*info);
        case 'd':
            model.ask_delete(info->id);
            model.set_status("delete " + instance_label(*info) + "? y/n");
            return {};
        default:
            return {};
    }
}

Intent handle_normal(MonitModel& model, int key, int log_page) {
    if (handle_navigation(model, key, log_page)) return {};
    switch (key) {
        case 'q':
        case kCtrlC:
            return quit();
        case 'k':
            model.move_selection(-1);
            return {};
        case 'j':
            model.move_selection(1);
            return {};
        case 'g':
            model.select_row(0);
            return {};
        case 'G':
            model.select_row(static_cast<int>(model.visible().size()) - 1);
            return {};
        case 'f':
            model.follow_logs();
            return {};
        case '\t':
        case 'l':
            model.toggle_scope();
            return {};
        case '/':
            model.set_mode(InputMode::kFilter);
            return {};
        case '?':
            model.set_mode(InputMode::kHelp);
            return {};
        case kEscape:
            model.set_filter("");
            return {};
        default:
            return handle_action(model, key);
    }
}

void handle_filter(MonitModel& model, int key) {
    if (is_enter(key)) {
        model.set_mode(InputMode::kNormal);
    } else if (key == kEscape) {
        model.set_filter("");
        model.set_mode(InputMode::kNormal);
    } else if (is_backspace(key)) {
        std::string text = model.filter();
        pop_code_point(text);
        model.set_filter(std::move(text));
    } else if (key >= ' ' && key < 256 && key != kDelete) {
        model.set_filter(model.filter() + static_cast<char>(key));
    }
}

Intent handle_confirm(MonitModel& model, int key) {
    std::optional<int> id = model.pending_delete();
    model.set_mode(InputMode::kNormal);
    const InstanceInfo* info = model.selected();
    if ((key == 'y' || key == 'Y') && id && info && info->id == *id)
        return intent_for(IntentKind::kDelete, *info);
    model.set_status("delete cancelled");
    return {};
}

}  // namespace

Intent handle_key(MonitModel& model, int key, int log_page) {
    switch (model.mode()) {
        case InputMode::kFilter:
            if (!handle_navigation(model, key, log_page)) handle_filter(model, key);
            return {};
        case InputMode::kConfirmDelete:
            return handle_confirm(model, key);
        case InputMode::kHelp:
            model.set_mode(InputMode::kNormal);
            return key == kCtrlC ? quit() : Intent{};
        case InputMode::kNormal:
            break;
    }
    return handle_normal(model, key, log_page);
}

void handle_wheel(MonitModel& model, int lines, int log_page) {
    model.scroll_logs(lines * kWheelLines, log_page);
}

const char* help_text() {
    return "up/down, j/k   select an instance\n"
           "Home/End, g/G  first / last instance\n"
           "Tab, l         logs of the selected instance / of all\n"
           "PgUp/PgDn      scroll the logs (also the mouse wheel)\n"
           "f              follow the newest log lines\n"
           "r              restart the selected instance\n"
           "s              stop it, or start it when stopped\n"
           "d              delete it (asks first)\n"
           "/              filter by name (Enter keeps, Esc clears)\n"
           "?              this help\n"
           "q, Ctrl-C      quit\n"
           "\n"
           "any key closes this help";
}

}  // namespace tend
