// Telling systemd that tendd is serving, for the unit `tend startup` writes
// (Type=notify): its ExecStartPost (`tend resurrect`) then runs only once
// the control socket answers.
#pragma once

namespace tend {

// sd_notify(3)'s "READY=1" on the datagram socket NOTIFY_SOCKET names (a
// path, or "@name" in the abstract namespace); nothing without it. The
// variable is removed afterwards, so that no app tendd starts inherits it.
// main_pid is the unit's main process: tend-keeper's, which systemd
// started and which outlives any one daemon.
void notify_service_ready(int main_pid);

}  // namespace tend
