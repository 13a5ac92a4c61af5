// poll(), keys, frames. Signals only set a flag: poll() returns EINTR and
// the loop looks at it; SIGWINCH is curses' own and arrives as KEY_RESIZE.
#include "cli/monit/monit_loop.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

namespace tend {
namespace {

// At most this many frames a second, however fast lines come.
constexpr auto kFrameInterval = std::chrono::milliseconds(50);
// The loop wakes at least this often to look at the quit flag, since a
// signal can land between the check and poll().
constexpr int kMaxWaitMs = 1000;

volatile sig_atomic_t g_quit_signal = 0;

void on_quit_signal(int) {
    g_quit_signal = 1;
}

// Routes SIGINT, SIGTERM and SIGHUP to the quit flag for the loop's life,
// so the terminal is always restored on the way out.
class QuitSignals {
  public:
    QuitSignals() {
        g_quit_signal = 0;
        struct sigaction action {};
        action.sa_handler = on_quit_signal;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &action, &old_[i]);
    }
    ~QuitSignals() {
        for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
    }

  private:
    static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
    std::array<struct sigaction, 3> old_{};
};

int ms_until(SteadyClock::time_point now, SteadyClock::time_point when) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
    return static_cast<int>(std::max<long long>(0, left));
}

}  // namespace

MonitLoop::MonitLoop(Screen& screen, MonitModel& model, Subscription& subscription,
                     ActionRunner& actions)
    : screen_(screen),
      model_(model),
      subscription_(subscription),
      actions_(actions),
      view_(screen) {}

void MonitLoop::run() {
    QuitSignals signals;
    while (!quit_ && !g_quit_signal) {
        actions_.fetch_spec_of_selected(model_);
        wait_and_dispatch(poll_timeout(SteadyClock::now()));
        subscription_.retry_if_due(model_, SteadyClock::now());
    }
}

int MonitLoop::paint_if_due(SteadyClock::time_point now) {
    if (!model_.dirty().any()) return -1;
    if (now - last_frame_ < kFrameInterval) return ms_until(now, last_frame_ + kFrameInterval);
    view_.paint(model_, model_.take_dirty());
    last_frame_ = now;
    return -1;
}

int MonitLoop::poll_timeout(SteadyClock::time_point now) {
    int timeout = kMaxWaitMs;
    if (int frame = paint_if_due(now); frame >= 0) timeout = std::min(timeout, frame);
    if (auto retry = subscription_.ms_until_retry(now)) timeout = std::min(timeout, *retry);
    return timeout;
}

void MonitLoop::wait_and_dispatch(int timeout_ms) {
    std::vector<pollfd> fds{{STDIN_FILENO, POLLIN, 0}};
    if (subscription_.fd() >= 0) fds.push_back({subscription_.fd(), POLLIN, 0});
    std::size_t first_action = fds.size();
    for (int fd : actions_.fds()) fds.push_back({fd, POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "poll");
    // After EINTR too: a resize arrives as a signal, then as KEY_RESIZE.
    read_keys();
    if (ready <= 0) return;
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) quit_ = true;
    if (first_action > 1 && fds[1].revents) subscription_.on_readable(model_);
    for (std::size_t i = first_action; i < fds.size(); ++i)
        if (fds[i].revents) actions_.on_readable(fds[i].fd, model_);
}

void MonitLoop::read_keys() {
    for (int key; !quit_ && (key = wgetch(screen_.input())) != ERR;) on_key(key);
}

void MonitLoop::on_key(int key) {
    if (key == KEY_RESIZE) {
        view_.on_resize();
        model_.mark_all_dirty();
        return;
    }
    if (key == KEY_MOUSE) {
        on_mouse();
        return;
    }
    Intent intent = handle_key(model_, key, view_.log_page());
    if (intent.kind == IntentKind::kQuit)
        quit_ = true;
    else
        actions_.start(intent, model_);
}

void MonitLoop::on_mouse() {
    MEVENT event{};
    if (getmouse(&event) != OK) return;
    if (event.bstate & BUTTON4_PRESSED) handle_wheel(model_, 1, view_.log_page());
    if (event.bstate & BUTTON5_PRESSED) handle_wheel(model_, -1, view_.log_page());
    if (event.bstate & BUTTON1_PRESSED) {
        int row = view_.list_row_at(event.y);
        if (row >= 0 && row < static_cast<int>(model_.visible().size())) model_.select_row(row);
    }
}

}  // namespace tend
