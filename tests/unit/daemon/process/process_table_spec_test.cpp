// The process table given a new spec for an app (tend reload <file>,
// --update-env), and the admin commands reset and signal.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

TEST_CASE("replace_spec: a reload starts the new script, args and env, and the count grows") {
    Fixture f;
    AppSpec spec = app("api", 2);
    spec.env = {{"GREETING", "one"}};
    auto ids = f.table.start(spec);
    AppSpec next = app("api", 3);
    next.script = "/srv/v2/app";
    next.args = {"--fast"};
    next.env = {{"GREETING", "two"}};
    auto added = f.table.replace_spec(next);
    REQUIRE(added.size() == 1);
    CHECK(f.table.find(added[0])->index == 2);
    CHECK(f.launcher.spawned.back().argv == std::vector<std::string>{"/srv/v2/app", "--fast"});
    CHECK(f.launcher.spawned.back().env.at("GREETING") == "two");
    int old0 = f.pid(ids[0]);
    CHECK(f.table.find(ids[0])->env.to_map().at("GREETING") == "one");  // running: its old spec
    f.table.reload({ids[0]});
    CHECK(f.pid(ids[0]) != old0);
    CHECK(f.launcher.spawned.back().argv.front() == "/srv/v2/app");
    CHECK(f.table.find(ids[0])->env.to_map().at("GREETING") == "two");
    CHECK(f.table.find_app("api")->spec.instances == 3);
}

TEST_CASE("replace_spec: a smaller count stops the highest indexes") {
    Fixture f;
    auto ids = f.table.start(app("api", 3));
    auto removed = f.table.replace_spec(app("api", 1));
    CHECK(removed == std::vector<int>{ids[1], ids[2]});
    CHECK(f.state(ids[1]) == InstanceState::kStopping);
    CHECK(f.state(ids[0]) == InstanceState::kOnline);
}

TEST_CASE("replace_spec: a changed port, an unknown app or a bad spec changes nothing") {
    Fixture f;
    f.table.start(node_app_on_port("web"));
    AppSpec moved = node_app_on_port("web");
    moved.listen.port = 9000;
    moved.script = "/srv/v2/app.js";
    CHECK_THROWS_WITH(f.table.replace_spec(moved),
                      "cannot change the port of 'web' from 0.0.0.0:8000 to 0.0.0.0:9000 by a "
                      "reload: delete the app and start it again");
    CHECK_THROWS_AS(f.table.replace_spec(app("nope")), TendError);
    AppSpec bad = node_app_on_port("web");
    bad.instances = 0;
    CHECK_THROWS_AS(f.table.replace_spec(bad), TendError);
    CHECK(f.table.find_app("web")->spec.script == "/srv/app.js");
}

TEST_CASE("reload: a replacement that fails gives the old process its environment back") {
    Fixture f;
    AppSpec spec = app("api");
    spec.listen.wait_ready = true;
    spec.env = {{"V", "1"}};
    int id = f.table.start(spec)[0];
    f.table.mark_ready(f.pid(id));
    spec.env = {{"V", "2"}};
    f.table.replace_spec(spec);
    f.table.reload({id});
    CHECK(f.table.find(id)->env.to_map().at("V") == "2");
    f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    CHECK(f.table.find(id)->env.to_map().at("V") == "1");
}

TEST_CASE("reset_counters sets restarts and the unstable run to zero") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    f.table.restart({id});
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    REQUIRE(f.table.info(id, false).restarts == 1);
    f.table.reset_counters({id});
    CHECK(f.table.info(id, false).restarts == 0);
    CHECK(f.table.find(id)->history.unstable_restarts == 0);
}

TEST_CASE("signal_processes signals each running process alone") {
    Fixture f;
    auto ids = f.table.start(app("api", 2));
    f.table.stop({ids[1]});
    f.table.on_exit(ids[1], f.pid(ids[1]), 0, std::nullopt);
    CHECK(f.table.signal_processes(ids, SIGUSR2) == std::vector<int>{ids[0]});
    CHECK(f.launcher.process_signals == std::vector<std::pair<int, int>>{{f.pid(ids[0]), SIGUSR2}});
    CHECK_FALSE(f.launcher.signalled(f.pid(ids[0]), SIGUSR2));  // not the group
}
