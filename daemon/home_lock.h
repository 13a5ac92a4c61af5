// One daemon per TEND_HOME: an flock on tendd.pid, held for the home's whole
// life. The kernel drops the lock when its last holder dies, however it
// dies, so a stale pid file never blocks the next daemon. With a keeper,
// the lock is taken once by the first tendd, passed to tend-keeper across
// exec, and handed by the keeper to each daemon it starts: the keeper and
// the serving daemon hold it together, so it stays taken while either
// lives and a second daemon can never start beside them.
#pragma once

#include <string>

#include "common/paths.h"

namespace tend {

// Creates the home (mode 0700) and its log folder; throws TendError when
// the home cannot be made.
void ensure_home(const Paths& paths);

class HomeLock {
  public:
    // Takes the lock (or adopts held_fd, the lock handed over by the keeper)
    // and writes our pid; throws TendError when another live daemon holds
    // it ("a daemon is already running for this home (pid N)").
    explicit HomeLock(const std::string& pidfile, int held_fd = -1);
    ~HomeLock();
    HomeLock(const HomeLock&) = delete;
    HomeLock& operator=(const HomeLock&) = delete;

    // The locked fd, made inheritable and no longer ours: for the keeper
    // this process is about to become.
    int release_for_exec();

  private:
    void take(const std::string& pidfile);
    int fd_ = -1;
};

}  // namespace tend
