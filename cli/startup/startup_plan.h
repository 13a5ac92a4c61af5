// What `tend startup` and `tend unstartup` act on: the unit for the chosen
// user and scope, where its file goes, and the systemctl calls that enable
// or disable it. The side effects (writing, running systemctl) live here so
// the command files stay a few lines.
#pragma once

#include <string>
#include <vector>

#include "cli/startup/systemd_unit.h"

namespace tend {

struct StartupPlan {
    SystemdUnit unit;
    std::string unit_dir;   // /etc/systemd/system, ~/.config/systemd/user, or $TEND_SYSTEMD_DIR
    std::string unit_path;  // unit_dir/name
};

// The plan for `--user NAME` (system unit; empty = the current user) or
// `--user-unit`. Throws UsageError for an unknown init system or user.
StartupPlan plan_startup(const std::string& init_system, const std::string& user, bool user_unit);

// Writes the unit (mode 0644), reloads systemd and enables the unit.
// Throws TendError with what failed and what to do.
void install_startup(const StartupPlan& plan);

// Disables the unit, removes its file and reloads systemd; false when there
// was no unit file to remove.
bool remove_startup(const StartupPlan& plan);

// The systemctl to run: $TEND_SYSTEMCTL (for tests) or systemctl in PATH,
// with --user for user units.
std::vector<std::string> systemctl_command(UnitScope scope);

}  // namespace tend
