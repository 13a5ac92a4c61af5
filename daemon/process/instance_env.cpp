// Sharing an app's environment between its instances.
#include "daemon/process/instance_env.h"

#include <optional>

namespace tend {

namespace {

// More differences than this and the instance starts a new shared map:
// the app's environment changed (a reload with new --env), it did not just
// number its instances.
constexpr std::size_t kMostOwnVariables = 16;

// The entries of env that base lacks or holds otherwise, when they are few
// and base has no key env lacks (so base plus them is env); else nullopt.
std::optional<EnvMap> env_differences(const EnvMap& env, const EnvMap& base) {
    EnvMap own;
    std::size_t added = 0;  // keys of env that base does not have
    for (const auto& [key, value] : env) {
        auto it = base.find(key);
        if (it != base.end() && it->second == value) continue;
        if (own.size() == kMostOwnVariables) return std::nullopt;
        if (it == base.end()) ++added;
        own.emplace(key, value);
    }
    if (env.size() - added != base.size()) return std::nullopt;
    return own;
}

}  // namespace

InstanceEnv::InstanceEnv(EnvMap env) : own_(std::move(env)) {}

InstanceEnv InstanceEnv::sharing(EnvMap env, std::shared_ptr<const EnvMap>& shared) {
    InstanceEnv out;
    if (shared) {
        if (auto own = env_differences(env, *shared)) {
            out.shared_ = shared;
            out.own_ = std::move(*own);
            return out;
        }
    }
    shared = std::make_shared<const EnvMap>(std::move(env));
    out.shared_ = shared;
    return out;
}

EnvMap InstanceEnv::to_map() const {
    EnvMap out = shared_ ? *shared_ : EnvMap{};
    for (const auto& [key, value] : own_) out[key] = value;
    return out;
}

}  // namespace tend
