// One daemon per TEND_HOME: the daemon holds an flock on tendd.pid for its
// whole life. The kernel drops the lock when the process dies, however it
// dies, so a stale pid file never blocks the next daemon.
#pragma once

#include <string>

namespace tend {

class HomeLock {
  public:
    // Takes the lock and writes our pid; throws TendError when another live
    // daemon holds it ("a daemon is already running in <home> (pid N)").
    explicit HomeLock(const std::string& pidfile);
    ~HomeLock();
    HomeLock(const HomeLock&) = delete;
    HomeLock& operator=(const HomeLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace tend
