// The spec's PM2 keys: interpreter args in the command line, increment_var's
// values, their checks, and their names on the wire.
#include <doctest/doctest.h>

#include "common/app_spec.h"
#include "common/errors.h"

using namespace tend;

namespace {

AppSpec keyed_spec(const std::string& script) {
    AppSpec spec;
    spec.name = "api";
    spec.script = script;
    return spec;
}

std::string spec_error(const AppSpec& spec) {
    try {
        validate(spec);
    } catch (const TendError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("interpreter args come after the interpreter and before the script") {
    AppSpec spec = keyed_spec("/srv/app.js");
    spec.interpreter_args = {"--import", "tsx"};
    spec.args = {"--port", "1"};
    CHECK(command_line(spec) ==
          std::vector<std::string>{"node", "--import", "tsx", "/srv/app.js", "--port", "1"});
    spec.interpreter = "/usr/bin/python3";
    spec.script = "/srv/app.py";
    CHECK(command_line(spec) == std::vector<std::string>{"/usr/bin/python3", "--import", "tsx",
                                                         "/srv/app.py", "--port", "1"});
}

TEST_CASE("interpreter args without an interpreter are refused") {
    AppSpec spec = keyed_spec("/usr/bin/server");
    spec.interpreter_args = {"-x"};
    CHECK(spec_error(spec) ==
          "interpreter_args need an interpreter: '/usr/bin/server' runs by itself (set "
          "--interpreter)");
    spec.interpreter = "none";
    spec.script = "/srv/app.js";
    CHECK(spec_error(spec) ==
          "interpreter_args need an interpreter: '/srv/app.js' runs by itself (set "
          "--interpreter)");
}

TEST_CASE("increment_var counts up from its value in the environment, or from 0") {
    AppSpec spec = keyed_spec("/srv/app.js");
    spec.vars.increment_var = "PORT";
    CHECK(incremented_value(spec, {{"PORT", "3000"}}, 0) == "3000");
    CHECK(incremented_value(spec, {{"PORT", "3000"}}, 3) == "3003");
    CHECK(incremented_value(spec, {}, 2) == "2");
    try {
        incremented_value(spec, {{"PORT", "30x"}}, 1);
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()) == "increment_var 'PORT' must hold an integer, not '30x'");
    }
}

TEST_CASE("instance_var and increment_var must be variable names") {
    AppSpec spec = keyed_spec("/srv/app.js");
    spec.vars.instance_var = "";
    CHECK(spec_error(spec) == "instance_var '' is not a variable name");
    spec.vars.instance_var = "ID";
    spec.vars.increment_var = "A=B";
    CHECK(spec_error(spec) == "increment_var 'A=B' is not a variable name");
}

TEST_CASE("the new keys travel under PM2's names and default when absent") {
    AppSpec spec = keyed_spec("/srv/app.js");
    spec.interpreter_args = {"--inspect"};
    spec.env_file = "/srv/.env";
    spec.vars = InstanceVars{"INSTANCE_ID", "PORT"};
    spec.run_as = RunAs{"nobody", "nogroup"};
    json j = spec;
    CHECK(j["interpreter_args"] == json::array({"--inspect"}));
    CHECK(j["env_file"] == "/srv/.env");
    CHECK(j["instance_var"] == "INSTANCE_ID");
    CHECK(j["increment_var"] == "PORT");
    CHECK(j["uid"] == "nobody");
    CHECK(j["gid"] == "nogroup");
    AppSpec back = j.get<AppSpec>();
    CHECK(back.interpreter_args == spec.interpreter_args);
    CHECK(back.vars.instance_var == "INSTANCE_ID");
    CHECK(back.run_as.gid == "nogroup");
    AppSpec old = json{{"name", "api"}, {"script", "/srv/app.js"}}.get<AppSpec>();
    CHECK(old.vars.instance_var == "NODE_APP_INSTANCE");
    CHECK(old.interpreter_args.empty());
}
