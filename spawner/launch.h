// Starting one program for an order: clone(CLONE_VM | CLONE_VFORK |
// CLONE_PARENT), so the new process shares this small process's memory
// until it execs (nothing is copied, whatever tendd's size) and is tendd's
// child, not ours (tendd reaps it and watches its exit, as for any child).
#pragma once

#include "spawner/wire.h"

namespace tend::spawner {

class Launcher {
  public:
    // dev_null: an open /dev/null, the child's fd 0.
    explicit Launcher(int dev_null);
    Launcher(const Launcher&) = delete;
    Launcher& operator=(const Launcher&) = delete;
    ~Launcher();

    // Starts order's program. On an error after the clone, the reply has
    // both the pid (an exited child tendd must reap) and the error.
    Reply launch(const Order& order);

  private:
    int dev_null_;
    char* stack_;  // the child's stack while it runs on our memory
};

}  // namespace tend::spawner
