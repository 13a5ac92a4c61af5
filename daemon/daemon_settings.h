// TEND_HOME/config.json: what a user may set for the whole daemon. Today
// the defaults of log rotation, which every app's own options override:
//
//   {"logs": {"max_size": "10M", "retain": 30, "compress": false,
//             "rotate_interval": "none", "rotate_date_format": "%Y-%m-%d_%H-%M-%S"}}
//
// and where tendd serves HTTP (read at start only: a new address needs a
// new daemon, `tend update`):
//
//   {"http": {"listen": "127.0.0.1:9615"}}
//
// and how many instances it runs (read at start only), raising both the
// daemon's limit of 4096 and an app's of 1024 to N (at most 100000):
//
//   {"max_instances": 10000}
//
// Read when tendd starts and again on `tend reloadLogs`.
#pragma once

#include <optional>
#include <string>

#include "common/app_spec.h"
#include "common/http_address.h"
#include "common/log_rotation.h"

namespace tend {

struct DaemonSettings {
    LogRotation log_rotation;         // unset options: the built-in defaults
    std::optional<HttpAddress> http;  // "http": {"listen": ...}; none: no HTTP
    InstanceLimits instance_limits;   // "max_instances", or the defaults
};

// The settings in home's config.json; none set when there is no file.
// Throws TendError(kBadRequest) "<path>: ..." on anything it cannot use
// (bad JSON, an unknown key, a bad value), so a typo is never ignored.
DaemonSettings load_daemon_settings(const std::string& home);

}  // namespace tend
