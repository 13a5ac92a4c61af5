// The terminal in curses mode for the dashboard's life: set up once, put
// back however the dashboard ends, and the attributes each role paints with
// (colours only when the user wants colour).
#pragma once

#include <curses.h>

#include <memory>

namespace tend {

enum class Role {
    kPlain,
    kTitle,     // pane titles and column titles
    kSelected,  // the selected row
    kGood,      // online
    kBad,       // errored, stderr lines, errors, daemon gone
    kBusy,      // launching, stopping, waiting to restart; prompts
    kMuted,     // stopped, hints, labels
    kAccent1,   // log prefixes cycle through the accents, per instance id
    kAccent2,
    kAccent3,
    kAccent4,
};

// Owns a curses window; deletes it with delwin.
struct WindowDeleter {
    void operator()(WINDOW* win) const {
        if (win) delwin(win);
    }
};
using Window = std::unique_ptr<WINDOW, WindowDeleter>;

class Screen {
  public:
    // Enters curses mode on this process's terminal. Throws TendError when
    // the terminal cannot be driven (TERM unknown).
    explicit Screen(bool colour);
    ~Screen();
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    int cols() const { return COLS; }
    int rows() const { return LINES; }

    // The attributes for a role: a colour pair when colour is on, plain
    // emphasis (bold, reverse, dim) otherwise.
    attr_t attr(Role role) const;

    // A window only read from: keys come through it, so reading never
    // refreshes a window that is being drawn.
    WINDOW* input() const { return input_.get(); }

  private:
    void start_colours();

    SCREEN* screen_ = nullptr;
    bool colour_ = false;
    Window input_;
};

}  // namespace tend
