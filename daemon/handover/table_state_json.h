// The process table's state as JSON, for the next daemon. Versioned with the
// rest of the hand-over (daemon_state.h); keys a later release adds are
// read with defaults, so this release's state is readable by the next.
#pragma once

#include <functional>
#include <string>

#include "common/protocol.h"
#include "daemon/process/process_table.h"

namespace tend {

// Appends the table's JSON to out, an instance at a time: a whole document of
// a large table would cost the daemon megabytes at every save. fd_name gives
// a listening socket's name at the keeper ("" when not held).
void append_table_state(std::string& out, const TableView& table,
                        const std::function<std::string(int)>& fd_name);
// fd_of gives this daemon's descriptor for a name (-1 when not handed over).
TableState table_state_from_json(const json& j,
                                 const std::function<int(const std::string&)>& fd_of);

}  // namespace tend
