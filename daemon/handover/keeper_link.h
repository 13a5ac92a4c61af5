// tendd's side of the keeper (keeper/keeper.h): the descriptors it asks the
// keeper to hold, by name, what a new daemon receives at start, and the
// exits the keeper reports of the apps that are its children (those a dead
// daemon left). Without a keeper (tendd --serve run by hand, or the keeper
// binary missing) every call is a no-op and nothing survives the daemon.
#pragma once

#include <uv.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/uv/handle.h"

namespace tend {

// What a new daemon is handed.
struct Handover {
    std::map<std::string, int> fds;          // every held descriptor, by name (ours now)
    std::vector<std::pair<int, int>> exits;  // (pid, wait status) not yet saved by a daemon
    int last_status = -1;                    // how the last daemon ended; -1: this is the first

    // The descriptor named name, now the caller's; -1 when there is none.
    int take(const std::string& name);
};

class KeeperLink {
  public:
    using OnExit = std::function<void(int pid, int status)>;

    // The channel named by TEND_KEEPER_FD, which is then removed from the
    // environment (no app inherits it); an inactive link when unset.
    static KeeperLink from_environment();
    KeeperLink() = default;
    KeeperLink(KeeperLink&& other) noexcept;
    KeeperLink& operator=(KeeperLink&&) = delete;
    ~KeeperLink();

    bool active() const { return fd_ >= 0; }
    // Blocks until the keeper has handed everything over; fds held under a
    // name are registered as held by this daemon under the same name.
    Handover receive_handover();

    // The keeper keeps a copy of fd under name (replacing that name's).
    void hold(const std::string& name, int fd);
    // The same for a descriptor this daemon closes at once (the state).
    void give(const std::string& name, int fd);
    // The copy of fd (or of name) is closed: this daemon closes its own.
    void release(int fd);
    void drop(const std::string& name);
    // The name fd is held under, "" when it is not; the fd held under name, -1.
    std::string name_of(int fd) const;
    int fd_of(const std::string& name) const;
    // Registers fd as held under name without telling the keeper (it was
    // handed over, so the keeper has it).
    void note_held(const std::string& name, int fd);
    // Every name held now (to drop what a restored state no longer needs).
    std::vector<std::string> names() const;

    void serving();
    // The exit of pid is in the state saved last: the keeper forgets it.
    void forget(int pid);

    // After the hand-over: exits come to on_exit; a keeper that dies is logged.
    void start(uv_loop_t* loop, OnExit on_exit);
    void close();

  private:
    explicit KeeperLink(int fd) : fd_(fd) {}
    void send(int type, std::int64_t a, const std::string& name, int fd);
    void on_readable();

    int fd_ = -1;
    std::map<std::string, int> held_;   // name → our fd
    std::map<int, std::string> names_;  // our fd → name
    uv::Handle<uv_poll_t> poll_;        // data = this: start() once the link has its home
    OnExit on_exit_;
};

}  // namespace tend
