// Target resolution: ids, names, namespaces, scripts by path and by file
// name, --instance, and the exact errors and warnings users read.
#include "daemon/process/target_resolver.h"

#include <doctest/doctest.h>

#include "common/errors.h"

using namespace tend;

namespace {

// api (ids 0, 1) and api2 (id 2) run /srv/a/app.js; worker (id 3) runs
// /srv/b/app.js in namespace "backend"; backend (id 4) is an app in
// namespace "jobs", and cron (id 5) runs /srv/b/cron.js in "backend".
std::vector<TargetApp> table() {
    return {
        {"api", "default", "/srv/a/app.js", {{0, 0}, {1, 1}}},
        {"api2", "default", "/srv/a/app.js", {{2, 0}}},
        {"worker", "backend", "/srv/b/app.js", {{3, 0}}},
        {"backend", "jobs", "/srv/c/backend.js", {{4, 0}}},
        {"cron", "backend", "/srv/b/cron.js", {{5, 0}}},
    };
}

TargetResolution resolve(std::vector<std::string> targets, std::string cwd = "",
                         std::optional<int> instance = std::nullopt) {
    return resolve_targets(TargetQuery{std::move(targets), instance, std::move(cwd)}, table(),
                           false);
}

std::vector<int> ids(std::vector<std::string> targets, std::string cwd = "",
                     std::optional<int> instance = std::nullopt) {
    return resolve(std::move(targets), std::move(cwd), instance).ids;
}

std::string error_of(std::vector<std::string> targets, std::string cwd = "",
                     std::optional<int> instance = std::nullopt) {
    try {
        resolve(std::move(targets), std::move(cwd), instance);
    } catch (const TendError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("all, ids and names keep their meaning") {
    CHECK(ids({"all"}) == std::vector<int>{0, 1, 2, 3, 4, 5});
    CHECK(ids({"3", "1"}) == std::vector<int>{3, 1});
    CHECK(ids({"api"}) == std::vector<int>{0, 1});
    CHECK(ids({"api", "0", "api"}) == std::vector<int>{0, 1});
}

TEST_CASE("a namespace names every app in it") {
    CHECK(ids({"backend"}).size() == 1);  // the app wins, see below
    CHECK(ids({"default"}) == std::vector<int>{0, 1, 2});
    auto apps = table();
    apps[3].name = "jobs-runner";
    auto found = resolve_targets(TargetQuery{{"backend"}, std::nullopt, ""}, apps, false);
    CHECK(found.ids == std::vector<int>{3, 5});
    CHECK(found.warnings.empty());
}

TEST_CASE("a name that is both an app and a namespace is the app, with a warning") {
    auto found = resolve({"backend"});
    CHECK(found.ids == std::vector<int>{4});
    REQUIRE(found.warnings.size() == 1);
    CHECK(found.warnings[0] == "'backend' is both an app and a namespace: acting on the app");
}

TEST_CASE("a script path names the apps started from it, relative to the CLI's directory") {
    CHECK(ids({"/srv/a/app.js"}) == std::vector<int>{0, 1, 2});
    CHECK(ids({"app.js"}, "/srv/a") == std::vector<int>{0, 1, 2});
    CHECK(ids({"./app.js"}, "/srv/b") == std::vector<int>{3});
    CHECK(ids({"../a/app.js"}, "/srv/b") == std::vector<int>{0, 1, 2});
    CHECK(ids({"b/cron.js"}, "/srv") == std::vector<int>{5});
}

TEST_CASE("a bare file name names its script when only one script has that name") {
    CHECK(ids({"cron.js"}, "/home/u") == std::vector<int>{5});
    CHECK(ids({"cron.js"}) == std::vector<int>{5});
}

TEST_CASE("a file name shared by two scripts is ambiguous, and the error lists them") {
    CHECK(error_of({"app.js"}, "/home/u") ==
          "'app.js' is ambiguous: it is the script of /srv/a/app.js (api, api2); "
          "/srv/b/app.js (worker); give its path or an app name");
}

TEST_CASE("a path with a slash is never matched by file name") {
    CHECK(error_of({"x/app.js"}, "/home/u") == "no app, id, namespace or script 'x/app.js'");
}

TEST_CASE("--instance narrows every target to that index") {
    CHECK(ids({"api"}, "", 1) == std::vector<int>{1});
    CHECK(ids({"app.js"}, "/srv/a", 0) == std::vector<int>{0, 2});
    CHECK(ids({"all"}, "", 1) == std::vector<int>{1});
    CHECK(ids({}, "", 0) == std::vector<int>{0, 2, 3, 4, 5});
    CHECK(ids({"1"}, "", 1) == std::vector<int>{1});
    CHECK(error_of({"worker"}, "", 1) == "no instance 1 of 'worker'");
    CHECK(error_of({"0"}, "", 1) == "no instance 1 of '0'");
}

TEST_CASE("no target is an error unless empty is allowed") {
    CHECK(error_of({}) == "no target given (an id, an app name, a namespace, a script or 'all')");
    CHECK(resolve_targets(TargetQuery{}, table(), true).ids.size() == 6);
}

TEST_CASE("a target that names nothing says so, with a suggestion") {
    CHECK(error_of({"apu"}) == "no app, id, namespace or script 'apu' (did you mean 'api'?)");
    CHECK(error_of({"42"}) == "no app, id, namespace or script '42'");
    CHECK(error_of({"99999999999999"}) == "no app, id, namespace or script '99999999999999'");
}

TEST_CASE("all over an empty table is empty, not an error") {
    CHECK(resolve_targets(TargetQuery{{"all"}, std::nullopt, ""}, {}, false).ids.empty());
}
