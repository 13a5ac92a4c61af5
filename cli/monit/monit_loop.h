// The dashboard's event loop: one poll() over the terminal, the
// subscription and the pending actions, with timeouts for the frame pace and
// the reconnect timer. Nothing here polls the daemon: it pushes.
#pragma once

#include "cli/monit/action_runner.h"
#include "cli/monit/monit_model.h"
#include "cli/monit/monit_view.h"
#include "cli/monit/screen.h"
#include "cli/monit/subscription.h"

namespace tend {

class MonitLoop {
  public:
    MonitLoop(Screen& screen, MonitModel& model, Subscription& subscription, ActionRunner& actions);

    // Runs until q, Ctrl-C, SIGTERM or SIGHUP, or the terminal going away.
    void run();

  private:
    // Paints when something changed and the last frame is old enough;
    // returns how long until a frame is due (-1: nothing to paint).
    int paint_if_due(SteadyClock::time_point now);
    int poll_timeout(SteadyClock::time_point now);
    void wait_and_dispatch(int timeout_ms);
    void read_keys();
    void on_key(int key);
    void on_mouse();

    Screen& screen_;
    MonitModel& model_;
    Subscription& subscription_;
    ActionRunner& actions_;
    MonitView view_;
    SteadyClock::time_point last_frame_{};
    bool quit_ = false;
};

}  // namespace tend
