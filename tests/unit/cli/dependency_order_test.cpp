// depends_on as a graph: unknown names and cycles refused before anything
// starts, --only's closure, stop waves, and each condition read from a list.
#include <doctest/doctest.h>

#include "cli/ecosystem/dependency_order.h"
#include "common/errors.h"

using namespace tend;

namespace {

std::vector<AppDependencies> chain() {
    return {{"db", {}},
            {"migrate", {{"db", "ready"}}},
            {"api", {{"migrate", "completed_successfully"}}},
            {"cache", {}}};
}

InstanceInfo instance(InstanceState status, bool ready = false) {
    InstanceInfo i;
    i.status = status;
    i.ready = ready;
    return i;
}

}  // namespace

TEST_CASE("depends_on: an unknown name is refused naming it and what it may mean") {
    auto apps = chain();
    apps[2].depends_on["dbb"] = "started";
    CHECK_THROWS_WITH_AS(check_dependencies(apps, {}),
                         "'api' depends on 'dbb', which is not an app of this file or of the "
                         "daemon (did you mean 'db'?)",
                         TendError);
    // An app the daemon already runs is a dependency like any other.
    CHECK_NOTHROW(check_dependencies(apps, {"dbb"}));
}

TEST_CASE("depends_on: a cycle is refused naming its links") {
    auto apps = chain();
    apps[0].depends_on["api"] = "started";
    CHECK_THROWS_WITH_AS(check_dependencies(apps, {}),
                         "a cycle in depends_on: db -> api -> migrate -> db", TendError);
    CHECK_NOTHROW(check_dependencies(chain(), {}));
}

TEST_CASE("depends_on: --only takes what the chosen apps need transitively") {
    CHECK(with_dependencies(chain(), {"api"}) == std::set<std::string>{"api", "migrate", "db"});
    CHECK(with_dependencies(chain(), {"cache"}) == std::set<std::string>{"cache"});
}

TEST_CASE("depends_on: stop goes in reverse with dependants first and file order within a wave") {
    auto waves = stop_waves(chain());
    CHECK(waves == std::vector<std::vector<std::string>>{{"api", "cache"}, {"migrate"}, {"db"}});
}

TEST_CASE("depends_on: each condition from the dependency's instances") {
    using Kind = DependencyState::Kind;
    auto kind = [](const std::string& condition, std::vector<InstanceInfo> instances) {
        return dependency_state(condition, instances).kind;
    };
    CHECK(kind("started", {}) == Kind::kWaiting);
    CHECK(kind("started", {instance(InstanceState::kLaunching)}) == Kind::kMet);
    CHECK(kind("ready", {instance(InstanceState::kLaunching)}) == Kind::kWaiting);
    CHECK(kind("ready", {instance(InstanceState::kOnline, true)}) == Kind::kMet);
    // Every instance must be ready, not just one.
    CHECK(kind("ready", {instance(InstanceState::kOnline, true),
                         instance(InstanceState::kOnline)}) == Kind::kWaiting);
    CHECK(kind("ready", {instance(InstanceState::kErrored)}) == Kind::kFailed);

    InstanceInfo healthy = instance(InstanceState::kOnline, true);
    healthy.health = "unknown";
    CHECK(kind("healthy", {healthy}) == Kind::kWaiting);
    healthy.health = "healthy";
    CHECK(kind("healthy", {healthy}) == Kind::kMet);
    // No liveness probe: healthy is ready.
    CHECK(kind("healthy", {instance(InstanceState::kOnline, true)}) == Kind::kMet);

    CHECK(kind("completed_successfully", {instance(InstanceState::kOnline, true)}) ==
          Kind::kWaiting);
    CHECK(kind("completed_successfully", {instance(InstanceState::kCompleted)}) == Kind::kMet);
    InstanceInfo failed = instance(InstanceState::kStopped);
    failed.exit_code = 1;
    DependencyState state = dependency_state("completed_successfully", {failed});
    CHECK(state.kind == Kind::kFailed);
    CHECK(state.why == "exited with code 1");
    CHECK(kind("started", {failed}) == Kind::kFailed);
}
