// The text of the systemd unit that starts tendd at boot, brings back the
// saved apps and stops them gracefully at shutdown. Pure, so the unit tests
// and the packaged templates check the very text `tend startup` writes.
#pragma once

#include <string>

namespace tend {

enum class UnitScope {
    kSystem,  // /etc/systemd/system, runs as User=
    kUser,    // ~/.config/systemd/user, the user's own manager
};

struct SystemdUnit {
    UnitScope scope = UnitScope::kSystem;
    std::string tend_bin;   // absolute path of tend
    std::string tendd_bin;  // absolute path of tendd
    std::string user;       // User= of a system unit ("%i" in the template)
    std::string tend_home;  // TEND_HOME; empty: tendd uses $HOME/.tend
    std::string http;       // tendd --http ADDR (checked by the caller); empty: none
};

// The unit file's text.
std::string systemd_unit_text(const SystemdUnit& unit);

// The unit's file name: tend-<user>.service (system) or tend.service (user).
std::string systemd_unit_name(const SystemdUnit& unit);

}  // namespace tend
