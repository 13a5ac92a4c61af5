// tend-keeper: the small process that makes tendd killable. It is tendd's
// parent and a child subreaper, so every app outlives a daemon that dies
// and becomes the keeper's child; it reaps them and remembers their exits.
// It holds a copy of every descriptor the daemon asks it to keep (the
// apps' output pipes and IPC channels, listening sockets, the control
// socket, the saved state, the home lock), so no app sees EPIPE or a
// closed channel and no port is unbound; and it starts a new daemon at
// once, handing it all of that. It knows nothing of apps: names and fds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "keeper/fd_store.h"

namespace tend::keeper {

struct KeeperConfig {
    std::string self_path;                 // tend-keeper, re-executed on `tend update`
    std::vector<std::string> server_argv;  // tendd --serve ...
};

class Keeper {
  public:
    Keeper(KeeperConfig config, FdStore& store);
    // Runs until the daemon exits for good; returns the keeper's exit code,
    // or does not return (re-executed for `tend update`).
    int run();

  private:
    void launch();
    void hand_over();
    void wait_for_events();
    void on_signal(int signo);
    void reap();
    void on_server_exit(int status);
    void read_channel(bool draining);
    void apply(const struct Message& m);
    void report_exit(int pid, int status);
    void reexec();  // returns only if the exec failed
    void forward(int signo);

    KeeperConfig config_;
    FdStore& store_;
    int signal_fd_ = -1;
    int channel_ = -1;
    int server_pid_ = 0;
    bool handed_over_ = false;  // the running daemon has everything
    bool served_ = false;       // it said it serves
    bool stopping_ = false;     // SIGTERM or SIGINT came: the daemon stops everything
    int pending_signal_ = 0;    // to forward once the daemon serves
    int last_status_ = -1;      // the last daemon's wait status
    int exit_code_ = -1;        // set: run() returns it
    std::int64_t launched_ms_ = 0;
    std::int64_t relaunch_ms_ = -1;  // when the next daemon starts; -1 none due
    std::int64_t backoff_ms_ = 0;
};

}  // namespace tend::keeper
