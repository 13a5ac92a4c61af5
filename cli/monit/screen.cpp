// Curses setup: cbreak (Ctrl-C still signals), no echo, no cursor, keypad
// and mouse wheel decoding, a short Esc delay, and the colour pairs.
#include "cli/monit/screen.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/errors.h"

namespace tend {
namespace {

// ncurses waits this long after Esc for the rest of a key sequence.
constexpr int kEscapeDelayMs = 25;

enum Pair : short { kGreen = 1, kRed, kYellow, kCyan, kMagenta, kBlue, kGrey };

}  // namespace

Screen::Screen(bool colour) {
    screen_ = newterm(nullptr, stdout, stdin);
    if (!screen_) {
        const char* term = std::getenv("TERM");
        throw TendError(
            ErrorCode::kBadRequest,
            std::string("monit cannot drive this terminal (TERM='") + (term ? term : "") + "')");
    }
    cbreak();
    noecho();
    nonl();
    curs_set(0);
    set_escdelay(kEscapeDelayMs);
    input_.reset(newwin(1, 1, 0, 0));
    keypad(input_.get(), TRUE);
    nodelay(input_.get(), TRUE);
    // Reports at once, without waiting to tell clicks from presses.
    mouseinterval(0);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, nullptr);
    colour_ = colour && has_colors();
    if (colour_) start_colours();
}

Screen::~Screen() {
    input_.reset();
    endwin();
    delscreen(screen_);
}

void Screen::start_colours() {
    start_color();
    use_default_colors();
    init_pair(kGreen, COLOR_GREEN, -1);
    init_pair(kRed, COLOR_RED, -1);
    init_pair(kYellow, COLOR_YELLOW, -1);
    init_pair(kCyan, COLOR_CYAN, -1);
    init_pair(kMagenta, COLOR_MAGENTA, -1);
    init_pair(kBlue, COLOR_BLUE, -1);
    init_pair(kGrey, COLORS > 8 ? 8 : COLOR_WHITE, -1);
}

attr_t Screen::attr(Role role) const {
    switch (role) {
        case Role::kPlain:
            return A_NORMAL;
        case Role::kTitle:
            return A_BOLD | A_UNDERLINE;
        case Role::kSelected:
            return A_REVERSE;
        default:
            break;
    }
    if (!colour_) return role == Role::kBad || role == Role::kBusy ? A_BOLD : A_NORMAL;
    switch (role) {
        case Role::kGood:
            return COLOR_PAIR(kGreen);
        case Role::kBad:
            return COLOR_PAIR(kRed);
        case Role::kBusy:
            return COLOR_PAIR(kYellow);
        case Role::kMuted:
            return COLOR_PAIR(kGrey);
        case Role::kAccent1:
            return COLOR_PAIR(kCyan);
        case Role::kAccent2:
            return COLOR_PAIR(kGreen);
        case Role::kAccent3:
            return COLOR_PAIR(kMagenta);
        case Role::kAccent4:
            return COLOR_PAIR(kBlue);
        default:
            return A_NORMAL;
    }
}

}  // namespace tend
