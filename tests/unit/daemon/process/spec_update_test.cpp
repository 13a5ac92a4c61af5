// The spec a restart or reload that changes it runs under: the file's spec,
// the running app's environment, the CLI's merged over it with --update-env.
#include "daemon/process/spec_update.h"

#include <doctest/doctest.h>

using namespace tend;

namespace {

AppSpec running_spec() {
    AppSpec s;
    s.name = "api";
    s.script = "/srv/current/app.js";
    s.env = {{"GREETING", "one"}};
    s.base_env = {{"PATH", "/bin"}, {"DEPLOY_ID", "1"}};
    return s;
}

}  // namespace

TEST_CASE("merged_env adds and changes variables and removes none") {
    EnvMap merged = merged_env({{"A", "1"}, {"B", "2"}}, {{"B", "3"}, {"C", "4"}});
    CHECK(merged == EnvMap{{"A", "1"}, {"B", "3"}, {"C", "4"}});
}

TEST_CASE("a file's spec replaces the running one but not its starting environment") {
    AppSpec next = running_spec();
    next.env = {{"GREETING", "two"}};
    next.instances = 5;
    next.base_env = {{"PATH", "/other"}};  // the CLI's: not taken without --update-env
    AppSpec spec = updated_spec(running_spec(), next, std::nullopt, running_spec().base_env);
    CHECK(spec.env.at("GREETING") == "two");
    CHECK(spec.instances == 5);
    CHECK(spec.base_env == running_spec().base_env);
}

TEST_CASE("--update-env merges the CLI's environment over the starting one") {
    EnvMap cli{{"DEPLOY_ID", "2"}, {"NEW", "x"}};
    AppSpec spec = updated_spec(running_spec(), std::nullopt, cli, running_spec().base_env);
    CHECK(spec.base_env == EnvMap{{"PATH", "/bin"}, {"DEPLOY_ID", "2"}, {"NEW", "x"}});
    CHECK(spec.script == "/srv/current/app.js");
    CHECK(spec.env.at("GREETING") == "one");
}

TEST_CASE("--update-env on an app started without a shell's environment starts from the daemon's") {
    AppSpec running = running_spec();
    running.base_env.clear();
    AppSpec spec = updated_spec(running, std::nullopt, EnvMap{{"X", "1"}}, {{"HOME", "/root"}});
    CHECK(spec.base_env == EnvMap{{"HOME", "/root"}, {"X", "1"}});
}
