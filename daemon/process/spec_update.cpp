// How a restart or reload combines the running spec, a new one and the
// CLI's environment.
#include "daemon/process/spec_update.h"

namespace tend {

EnvMap merged_env(EnvMap base, const EnvMap& over) {
    for (const auto& [key, value] : over) base[key] = value;
    return base;
}

AppSpec updated_spec(const AppSpec& running, const std::optional<AppSpec>& next,
                     const std::optional<EnvMap>& update_env, const EnvMap& starting) {
    AppSpec spec = next ? *next : running;
    spec.name = running.name;
    spec.base_env = update_env ? merged_env(starting, *update_env) : running.base_env;
    return spec;
}

}  // namespace tend
