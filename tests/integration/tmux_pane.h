// A terminal for tests of `tend monit`: one pane in a private tmux server
// (its own -L socket), read with capture-pane and driven with send-keys.
// The destructor always kills that server, and only that one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"

namespace tend::it {

class TmuxPane {
  public:
    // Runs argv in a cols x rows pane with TEND_HOME set to home's; the pane
    // stays after its command exits, so the exit status can be read.
    TmuxPane(const TendHome& home, const std::vector<std::string>& argv, int cols, int rows);
    ~TmuxPane();
    TmuxPane(const TmuxPane&) = delete;
    TmuxPane& operator=(const TmuxPane&) = delete;

    // The pane's text, one string per row, attributes dropped.
    std::vector<std::string> capture() const;
    // tmux key names or literal text: "q", "Tab", "Down", "C-c".
    void send_keys(const std::vector<std::string>& keys) const;
    void resize(int cols, int rows) const;
    // The command's exit status once it has ended; nullopt while it runs.
    std::optional<int> exit_status() const;

    // Polls the screen until predicate holds; FAILs with what and the last
    // screen at the timeout. Returns the screen that matched.
    std::vector<std::string> wait_for_screen(
        const std::function<bool(const std::vector<std::string>&)>& predicate,
        const std::string& what, Millis timeout = 15s) const;
    // wait_for_screen() for a text anywhere on the screen.
    std::vector<std::string> wait_for_text(const std::string& text, Millis timeout = 15s) const;
    // Polls until the command ends; FAILs at the timeout. Its exit status.
    int wait_for_exit(Millis timeout = 10s) const;

  private:
    Result tmux(std::vector<std::string> args) const;

    const TendHome& home_;
    std::string socket_;       // the -L name
    std::string socket_path_;  // kill-server leaves the file behind
};

// Screen rows joined with newlines, for failure messages.
std::string screen_text(const std::vector<std::string>& rows);

// Columns a row takes: its UTF-8 code points.
std::size_t columns_of(const std::string& row);

}  // namespace tend::it
