// Instances of one app share their environment, each keeping only what
// differs; what is shared can never change what an instance reads back.
#include <doctest/doctest.h>

#include "daemon/process/instance_env.h"

using namespace tend;

namespace {

EnvMap shell_env(int instance) {
    EnvMap env;
    for (int i = 0; i < 40; ++i) env["VAR_" + std::to_string(i)] = std::string(30, 'a' + i % 26);
    env["NODE_APP_INSTANCE"] = std::to_string(instance);
    env["TEND_ID"] = std::to_string(100 + instance);
    return env;
}

}  // namespace

TEST_CASE("instance env: instances of an app share one map and keep their own numbers") {
    std::shared_ptr<const EnvMap> shared;
    InstanceEnv first = InstanceEnv::sharing(shell_env(0), shared);
    REQUIRE(shared != nullptr);
    auto slot = shared;
    std::vector<InstanceEnv> rest;
    for (int i = 1; i < 100; ++i) rest.push_back(InstanceEnv::sharing(shell_env(i), shared));
    CHECK(shared == slot);  // nobody replaced it
    CHECK(first.to_map() == shell_env(0));
    for (int i = 1; i < 100; ++i) {
        CHECK(rest[i - 1].to_map() == shell_env(i));
        CHECK(rest[i - 1].own_size() == 2);
    }
    slot.reset();
    CHECK(shared.use_count() == 101);  // the app's slot and its 100 instances
}

TEST_CASE("instance env: a changed environment starts a new shared map, old ones read the same") {
    std::shared_ptr<const EnvMap> shared;
    InstanceEnv old = InstanceEnv::sharing(shell_env(0), shared);
    auto old_slot = shared;

    // A key the shared map has and this env lacks: cannot be a difference.
    EnvMap fewer = shell_env(1);
    fewer.erase("VAR_3");
    InstanceEnv without = InstanceEnv::sharing(fewer, shared);
    CHECK(without.to_map() == fewer);
    CHECK(shared != old_slot);

    // Many differences: a reload with a new environment.
    EnvMap changed = shell_env(2);
    for (int i = 0; i < 20; ++i) changed["VAR_" + std::to_string(i)] = "new";
    auto before = shared;
    InstanceEnv renewed = InstanceEnv::sharing(changed, shared);
    CHECK(renewed.to_map() == changed);
    CHECK(shared != before);
    CHECK(old.to_map() == shell_env(0));

    // Added keys are differences too.
    EnvMap more = changed;
    more["EXTRA"] = "1";
    auto slot = shared;
    InstanceEnv added = InstanceEnv::sharing(more, shared);
    CHECK(shared == slot);
    CHECK(added.to_map() == more);
    CHECK(added.own_size() == 1);
}

TEST_CASE("instance env: empty, whole and cleared") {
    InstanceEnv none;
    CHECK(none.empty());
    CHECK(none.to_map().empty());
    InstanceEnv whole(EnvMap{{"A", "1"}});
    CHECK_FALSE(whole.empty());
    CHECK(whole.to_map() == EnvMap{{"A", "1"}});
    whole.clear();
    CHECK(whole.empty());
}
