// Keys to dashboard moves: the pure half of input handling. Keys change the
// model directly; what needs the daemon or the loop comes back as an Intent.
#pragma once

#include <string>

#include "cli/monit/monit_model.h"

namespace tend {

// kStart asks for a restart too: restarting a stopped instance starts it.
enum class IntentKind { kNone, kQuit, kRestart, kStart, kStop, kDelete };

struct Intent {
    IntentKind kind = IntentKind::kNone;
    int id = -1;        // the instance acted on
    std::string label;  // instance_label() of it, for status messages
};

// Applies one key (an ncurses key code: a byte, or KEY_UP and friends) in
// the model's current input mode. log_page is the log pane's height, for
// page-wise scrolling.
Intent handle_key(MonitModel& model, int key, int log_page);

// The mouse wheel over the dashboard: scrolls the log pane by lines
// (positive = back in time).
void handle_wheel(MonitModel& model, int lines, int log_page);

// The help overlay's text, one key per line.
const char* help_text();

}  // namespace tend
