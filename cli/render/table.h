// The `tend list` table, drawn with box characters as pm2 draws it.
#pragma once

#include <string>
#include <vector>

#include "common/instance_info.h"

namespace tend {

// The table for instances (id, name, instance, mode, pid, status, uptime,
// restarts, cpu, memory), newline-terminated. With no instances: the header
// and a line saying how to start an app. colour adds ANSI status colours.
std::string render_table(const std::vector<InstanceInfo>& instances, bool colour);

// The colour of a status word in the palette: green online, red errored,
// yellow stopping / waiting_restart / launching, grey stopped.
const char* status_colour(InstanceState state, bool colour);

}  // namespace tend
