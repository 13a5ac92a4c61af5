// `uid` / `gid`: the user and group an app's instances run as, resolved from
// names or numbers when an instance is spawned (so a renamed user is seen at
// the next start). Only a daemon running as root can switch.
#pragma once

#include <sys/types.h>

#include <optional>

#include "common/app_spec.h"

namespace tend {

struct Identity {
    uid_t uid = 0;
    gid_t gid = 0;
};

// nullopt when the spec names neither. A uid alone runs with that user's
// primary group (never with the daemon's root group); a gid alone keeps the
// daemon's user. Throws TendError(kBadRequest) for an unknown user or group,
// and when daemon_uid is not 0.
std::optional<Identity> resolve_run_as(const RunAs& run_as, uid_t daemon_uid);

}  // namespace tend
