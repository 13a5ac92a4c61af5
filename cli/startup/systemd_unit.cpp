// The unit text. Why each line is there is said in the unit itself, since an
// administrator reads the installed file, not this code.
#include "cli/startup/systemd_unit.h"

namespace tend {
namespace {

std::string unit_section(const SystemdUnit& unit) {
    std::string owner = unit.scope == UnitScope::kSystem ? " for " + unit.user : "";
    std::string text =
        "[Unit]\nDescription=tend process manager" + owner + "\nDocumentation=man:tend(1)\n";
    if (unit.scope == UnitScope::kSystem) text += "After=network.target\n";
    return text;
}

std::string identity_lines(const SystemdUnit& unit) {
    std::string text;
    if (unit.scope == UnitScope::kSystem) text += "User=" + unit.user + "\n";
    if (!unit.tend_home.empty()) text += "Environment=TEND_HOME=" + unit.tend_home + "\n";
    return text;
}

std::string exec_lines(const SystemdUnit& unit) {
    std::string http = unit.http.empty() ? "" : " --http " + unit.http;
    return "ExecStart=" + unit.tendd_bin + " --foreground" + http +
           "\n"
           "# Type=notify: tendd says READY=1 once its socket serves, so resurrect\n"
           "# finds this daemon rather than starting one of its own. The main process\n"
           "# is tend-keeper, which tendd becomes; the serving tendd is its child and\n"
           "# sends READY=1 naming it (NotifyAccess=all), so a tendd that dies is\n"
           "# replaced by the keeper and never fails the unit.\n"
           "NotifyAccess=all\n"
           "ExecStartPost=" +
           unit.tend_bin +
           " resurrect\n"
           "# tend kill stops every app gracefully, then the daemon; whatever is left in\n"
           "# the cgroup afterwards is killed by systemd (KillMode=control-group).\n"
           "ExecStop=" +
           unit.tend_bin + " kill\n";
}

std::string service_section(const SystemdUnit& unit) {
    return "[Service]\nType=notify\n" + identity_lines(unit) + exec_lines(unit) +
           "# above tend kill's own 15 s wait for the daemon, plus the apps' kill timeouts\n"
           "TimeoutStopSec=60\n"
           "Restart=on-failure\n"
           "LimitNOFILE=infinity\n";
}

std::string install_section(const SystemdUnit& unit) {
    return std::string("[Install]\nWantedBy=") +
           (unit.scope == UnitScope::kSystem ? "multi-user.target" : "default.target") + "\n";
}

}  // namespace

std::string systemd_unit_text(const SystemdUnit& unit) {
    return "# tend: starts tendd at boot, brings back the apps saved with `tend save`\n"
           "# and stops them gracefully at shutdown. See `tend help startup`.\n" +
           unit_section(unit) + "\n" + service_section(unit) + "\n" + install_section(unit);
}

std::string systemd_unit_name(const SystemdUnit& unit) {
    return unit.scope == UnitScope::kSystem ? "tend-" + unit.user + ".service" : "tend.service";
}

}  // namespace tend
