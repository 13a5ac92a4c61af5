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
