// An instance's environment as it was started (`tend env`, a reload's way
// back, exec probes). The instances of one app differ in a few variables
// (NODE_APP_INSTANCE, TEND_ID, an increment_var): each keeps only those,
// beside a map its app's instances share, so a thousand instances hold one
// copy of the starting shell's environment, not a thousand.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace tend {

using EnvMap = std::map<std::string, std::string>;

class InstanceEnv {
  public:
    InstanceEnv() = default;
    // A whole environment, sharing nothing (a take-over's saved state).
    explicit InstanceEnv(EnvMap env);
    // env, kept as its differences from shared when shared has no key env
    // lacks and they differ in a few variables; else env becomes the map
    // shared from now on (shared is the app's slot).
    static InstanceEnv sharing(EnvMap env, std::shared_ptr<const EnvMap>& shared);

    EnvMap to_map() const;
    bool empty() const { return !shared_ && own_.empty(); }
    void clear() { *this = InstanceEnv(); }
    // The variables this instance holds for itself (tests, and what it costs).
    std::size_t own_size() const { return own_.size(); }

  private:
    std::shared_ptr<const EnvMap> shared_;
    EnvMap own_;  // added to, or replacing, shared_'s
};

}  // namespace tend
