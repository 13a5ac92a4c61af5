// Keeps the keeper's copy of the daemon's state current: after any loop
// turn in which the table or the cluster changed, the whole state is
// written to a fresh memory file and handed to the keeper under "state"
// (replacing the last), so a daemon killed at any moment leaves the next
// one the table as of its last completed turn. Exits reported by the keeper
// are confirmed (forgotten there) only once a saved state reflects them.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "daemon/handover/keeper_link.h"
#include "daemon/uv/handle.h"

namespace tend {

class StateSaver {
  public:
    using Encode = std::function<std::string()>;

    StateSaver(uv_loop_t* loop, KeeperLink& keeper, Encode encode);
    // The state changed: saved before the loop next waits.
    void mark_dirty() { dirty_ = true; }
    // The keeper may forget pid's exit once the next save is done.
    void forget_after_save(int pid) {
        forget_.push_back(pid);
        dirty_ = true;
    }
    // Saves now; after freeze() nothing is saved any more (a hand-over's
    // last state must not be overwritten by a half-closed daemon).
    void save_now();
    // Saves now if anything changed since the last save: before a reply, so
    // that what a client was told survives a kill the next instant.
    void save_if_changed() {
        if (dirty_) save_now();
    }
    void freeze();
    void close() { prepare_.close(); }

  private:
    KeeperLink& keeper_;
    Encode encode_;
    uv::Handle<uv_prepare_t> prepare_;
    std::vector<int> forget_;
    bool dirty_ = false;
    bool frozen_ = false;
};

}  // namespace tend
