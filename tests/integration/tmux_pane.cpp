// TmuxPane: tmux commands through run_command, polled with deadlines.
#include "tmux_pane.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace tend::it {
namespace {

constexpr const char* kTmux = "/usr/bin/tmux";
constexpr const char* kSession = "monit";

// A socket name no other test (or test run) uses at the same time.
std::string unique_socket() {
    static std::atomic<int> counter{0};
    return "tend-it-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// One shell word for tmux's command string.
std::string quoted(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

TmuxPane::TmuxPane(const TendHome& home, const std::vector<std::string>& argv, int cols, int rows)
    : home_(home), socket_(unique_socket()) {
    std::string command = "exec env TEND_HOME=" + quoted(home.home()) + " LANG=C.UTF-8";
    for (const auto& word : argv) command.append(" ").append(quoted(word));
    // remain-on-exit is set before the session exists, so even an instant
    // exit leaves the pane and its status behind.
    Result r = tmux({"start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
                     "new-session", "-d", "-s", kSession, "-x", std::to_string(cols), "-y",
                     std::to_string(rows), command});
    socket_path_ = tmux({"display-message", "-p", "#{socket_path}"}).out;
    if (!socket_path_.empty() && socket_path_.back() == '\n') socket_path_.pop_back();
    INFO("tmux new-session: exit " << r.exit_code << ", stderr " << r.err);
    REQUIRE(r.exit_code == 0);
}

TmuxPane::~TmuxPane() {
    tmux({"kill-server"});
    if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
}

Result TmuxPane::tmux(std::vector<std::string> args) const {
    args.insert(args.begin(), {kTmux, "-L", socket_, "-f", "/dev/null"});
    return home_.run_program(std::move(args), 10s);
}

std::vector<std::string> TmuxPane::capture() const {
    Result r = tmux({"capture-pane", "-p", "-t", kSession});
    return split_lines(r.out);
}

void TmuxPane::send_keys(const std::vector<std::string>& keys) const {
    std::vector<std::string> args{"send-keys", "-t", kSession};
    args.insert(args.end(), keys.begin(), keys.end());
    Result r = tmux(args);
    REQUIRE(r.exit_code == 0);
}

void TmuxPane::resize(int cols, int rows) const {
    Result r = tmux(
        {"resize-window", "-t", kSession, "-x", std::to_string(cols), "-y", std::to_string(rows)});
    INFO("tmux resize-window: " << r.err);
    REQUIRE(r.exit_code == 0);
}

std::optional<int> TmuxPane::exit_status() const {
    Result r = tmux({"display-message", "-p", "-t", kSession, "#{pane_dead} #{pane_dead_status}"});
    if (r.exit_code != 0 || r.out.rfind("1 ", 0) != 0) return std::nullopt;
    return std::atoi(r.out.c_str() + 2);
}

std::vector<std::string> TmuxPane::wait_for_screen(
    const std::function<bool(const std::vector<std::string>&)>& predicate, const std::string& what,
    Millis timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto screen = capture();
        if (predicate(screen)) return screen;
        if (std::chrono::steady_clock::now() >= deadline)
            FAIL("timed out after " << timeout.count() << " ms waiting for " << what
                                    << "; the screen:\n"
                                    << screen_text(screen));
        std::this_thread::sleep_for(50ms);
    }
}

std::vector<std::string> TmuxPane::wait_for_text(const std::string& text, Millis timeout) const {
    return wait_for_screen(
        [&](const std::vector<std::string>& screen) { return contains(screen_text(screen), text); },
        "'" + text + "' on the screen", timeout);
}

int TmuxPane::wait_for_exit(Millis timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto status = exit_status()) return *status;
        if (std::chrono::steady_clock::now() >= deadline)
            FAIL("the pane's command still runs after " << timeout.count() << " ms; the screen:\n"
                                                        << screen_text(capture()));
        std::this_thread::sleep_for(50ms);
    }
}

std::string screen_text(const std::vector<std::string>& rows) {
    std::string text;
    for (const auto& row : rows) text += row + "\n";
    return text;
}

std::size_t columns_of(const std::string& row) {
    std::size_t columns = 0;
    for (unsigned char c : row)
        if ((c & 0xC0) != 0x80) ++columns;
    return columns;
}

}  // namespace tend::it
