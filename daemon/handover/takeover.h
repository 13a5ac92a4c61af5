// A new daemon taking over from one that died or handed over: the state the
// keeper kept, and every process, pipe, channel and socket in it.
#pragma once

#include <string>

#include "daemon/handover/keeper_link.h"

namespace tend {

class ProcessTable;
class UvLauncher;
class NodeCluster;

// The format of the state handed over; a daemon reads this one and older.
inline constexpr int kStateFormat = 1;

struct TakeoverParts {
    ProcessTable& table;
    UvLauncher& launcher;
    NodeCluster& cluster;
    KeeperLink& keeper;
};

// The whole daemon state, as the keeper keeps it.
std::string encode_state(const ProcessTable& table, const NodeCluster& cluster,
                         const KeeperLink& keeper);

// Adopts what handover holds: the table and cluster as saved, every process
// still alive (its pipes and channel read again, its exit to come from the
// keeper), the exits that came while no daemon ran (handled by the restart
// policy now; confirm(pid) is called for each, to forget it once saved).
// Leftover processes no saved state knows are killed; descriptors no state
// names are closed. Returns how many processes were adopted.
int take_over(Handover& handover, TakeoverParts parts, const std::function<void(int pid)>& confirm);

}  // namespace tend
