// The spec an app runs under after a restart or reload that changes it
// (`tend reload <file>`, `--update-env`): pure, so its rules are unit-tested
// apart from the table that applies it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/app_spec.h"

namespace tend {

using EnvMap = std::map<std::string, std::string>;

// over on top of base, key by key: PM2's --update-env adds and changes
// variables and removes none.
EnvMap merged_env(EnvMap base, const EnvMap& over);

// The spec that replaces running's: next (an ecosystem file's new spec for
// the app), or running itself when the request brings none. Either way the
// app keeps the environment it was started from (starting: running's
// base_env, or the daemon's when it has none), with update_env merged over
// it when given (--update-env). next's own base_env is the CLI's and is
// used only through update_env.
AppSpec updated_spec(const AppSpec& running, const std::optional<AppSpec>& next,
                     const std::optional<EnvMap>& update_env, const EnvMap& starting);

}  // namespace tend
