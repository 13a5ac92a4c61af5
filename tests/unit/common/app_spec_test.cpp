// How an app's instances run: interpreter by extension and port sharing.
#include <doctest/doctest.h>

#include "common/app_spec.h"

using namespace tend;

namespace {

AppSpec with_port(const std::string& script, int port) {
    AppSpec spec;
    spec.name = "web";
    spec.script = script;
    spec.listen.port = port;
    return spec;
}

}  // namespace

TEST_CASE("a node app with --port is dealt connections in turn, any other program inherits fd 3") {
    std::map<std::string, std::string> env;
    CHECK(port_sharing(with_port("app.js", 0), env) == PortSharing::kNoPort);
    CHECK(port_sharing(with_port("app.js", 8000), env) == PortSharing::kRoundRobin);
    CHECK(port_sharing(with_port("server", 8000), env) == PortSharing::kInherit);
    AppSpec python = with_port("app.py", 8000);
    CHECK(port_sharing(python, env) == PortSharing::kInherit);
    AppSpec node_binary = with_port("server", 8000);
    node_binary.interpreter = "/usr/bin/node";
    CHECK(port_sharing(node_binary, env) == PortSharing::kRoundRobin);
}

TEST_CASE("NODE_CLUSTER_SCHED_POLICY=none from --env or the environment keeps fd 3 for node") {
    AppSpec spec = with_port("app.js", 8000);
    CHECK(port_sharing(spec, {{"NODE_CLUSTER_SCHED_POLICY", "none"}}) == PortSharing::kInherit);
    CHECK(port_sharing(spec, {{"NODE_CLUSTER_SCHED_POLICY", "rr"}}) == PortSharing::kRoundRobin);
    spec.env["NODE_CLUSTER_SCHED_POLICY"] = "none";
    CHECK(port_sharing(spec, {}) == PortSharing::kInherit);
    // --env wins over the environment tend was started from.
    spec.env["NODE_CLUSTER_SCHED_POLICY"] = "rr";
    CHECK(port_sharing(spec, {{"NODE_CLUSTER_SCHED_POLICY", "none"}}) == PortSharing::kRoundRobin);
}

TEST_CASE("exec_mode: PM2's default is cluster for a Node script with several instances") {
    auto resolved = [](const std::string& script, int instances, const std::string& mode) {
        AppSpec spec = with_port(script, 0);
        spec.instances = instances;
        spec.exec_mode = mode;
        resolve_exec_mode(spec);
        return spec.exec_mode;
    };
    CHECK(resolved("app.js", 4, "") == "cluster");
    CHECK(resolved("app.mjs", 2, "") == "cluster");
    CHECK(resolved("app.cjs", 1, "") == "fork");  // -i 1 or none: fork, as PM2
    CHECK(resolved("app.js", 4, "fork") == "fork");
    CHECK(resolved("app.js", 4, "fork_mode") == "fork");
    CHECK(resolved("app.js", 1, "cluster_mode") == "cluster");
    CHECK(resolved("server", 4, "") == "fork");  // only Node can be a cluster worker
    CHECK(resolved("app.py", 4, "cluster") == "fork");
    AppSpec port = with_port("app.js", 8000);  // Node's cluster shares --port, as before
    resolve_exec_mode(port);
    CHECK(port.exec_mode == "cluster");
}

TEST_CASE("Node cluster workers with and without --port; fork mode and policy none are not") {
    AppSpec spec = with_port("app.js", 0);
    spec.instances = 4;
    CHECK(runs_node_workers(spec, {}));
    CHECK(port_sharing(spec, {}) == PortSharing::kNoPort);
    // Without --port Node's policy is not consulted: listen() always asks tendd.
    CHECK(runs_node_workers(spec, {{"NODE_CLUSTER_SCHED_POLICY", "none"}}));
    spec.exec_mode = "fork";
    CHECK_FALSE(runs_node_workers(spec, {}));
    spec.listen.port = 8000;
    CHECK(port_sharing(spec, {}) == PortSharing::kInherit);  // fork + --port: fd 3 and the preload
    spec.exec_mode = "cluster";
    CHECK(port_sharing(spec, {{"NODE_CLUSTER_SCHED_POLICY", "none"}}) == PortSharing::kInherit);
    CHECK_FALSE(runs_node_workers(spec, {{"NODE_CLUSTER_SCHED_POLICY", "none"}}));
}

TEST_CASE("exec_mode travels as PM2's key and a wrong word is refused") {
    AppSpec spec = with_port("app.js", 0);
    spec.exec_mode = "cluster";
    json j = spec;
    CHECK(j.at("exec_mode") == "cluster");
    CHECK(j.get<AppSpec>().exec_mode == "cluster");
    spec.exec_mode = "clusters";
    CHECK_THROWS_WITH(validate(spec), "exec_mode must be 'fork' or 'cluster', not 'clusters'");
    spec.exec_mode = "cluster_mode";
    CHECK_NOTHROW(validate(spec));
}

TEST_CASE("a spec's integers must be integers that fit: no float or wide value is converted") {
    // Found by fuzzing: "instances": 1.2e26 was converted to int with undefined behaviour.
    json huge = {{"instances", 1.2e26}}, wide = {{"instances", 4294967296LL}};
    json codes = {{"stop_exit_codes", {0, 1e30}}}, three = {{"instances", 3}};
    CHECK_THROWS_WITH(huge.get<AppSpec>(), "'instances' must be an integer, not number");
    CHECK_THROWS_WITH(wide.get<AppSpec>(), "'instances' must be an integer, not number");
    CHECK_THROWS_AS(codes.get<AppSpec>(), TendError);
    CHECK(three.get<AppSpec>().instances == 3);
}
