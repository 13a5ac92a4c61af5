// The process table and shared ports: --port's socket, Node cluster workers
// (with and without a port), their disconnect on stop and reload.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

TEST_CASE(
    "--port: one listening socket for the app, fd 3 and the activation env for each instance") {
    Fixture f;
    AppSpec spec = app("web", 2);
    spec.listen.port = 8000;
    auto ids = f.table.start(spec);
    REQUIRE(f.sockets.listeners.size() == 1);
    CHECK(f.sockets.listeners[0] == std::pair<std::string, int>{"0.0.0.0", 8000});
    for (const auto& r : f.launcher.spawned) {
        CHECK(r.listen_fd == 51);
        CHECK(r.ipc_fd_number() == 4);
        CHECK(r.env.at("LISTEN_FDS") == "1");
        CHECK(r.env.at("LISTEN_FDNAMES") == "web");
        CHECK(r.env.at("PORT") == "8000");
        CHECK(r.env.at("TEND_IPC_FD") == "4");
        CHECK(r.env.count("NODE_CHANNEL_FD") == 0);  // not a node app
        CHECK(r.env.at("NOTIFY_SOCKET") == "/home/t/notify.sock");
    }
    f.table.remove(ids);
    for (int id : ids) f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    CHECK(f.sockets.closed_listeners == std::vector<int>{51});
}

TEST_CASE("a node app with a port runs as a Node cluster worker, with NODE_CHANNEL_FD at fd 3") {
    Fixture f;
    f.table.start(node_app_on_port("web"));
    const auto& r = f.launcher.spawned.at(0);
    CHECK(r.argv == std::vector<std::string>{"node", "/srv/app.js"});
    CHECK(r.node_cluster);
    CHECK_FALSE(r.inherits_listener());
    CHECK(r.env.at("NODE_UNIQUE_ID") == std::to_string(r.id));
    CHECK(r.env.at("PORT") == "8000");
    CHECK(r.env.count("LISTEN_FDS") == 0);
    CHECK(r.env.at("NODE_CHANNEL_FD") == "3");
    CHECK(r.env.at("NODE_CHANNEL_SERIALIZATION_MODE") == "json");
}

TEST_CASE("NODE_CLUSTER_SCHED_POLICY=none: a node app with a port inherits fd 3 with the preload") {
    Fixture f;
    AppSpec spec = node_app_on_port("web");
    spec.env["NODE_CLUSTER_SCHED_POLICY"] = "none";
    f.table.start(spec);
    const auto& r = f.launcher.spawned.at(0);
    CHECK(r.argv ==
          std::vector<std::string>{"node", "--require", "/share/preload.js", "/srv/app.js"});
    CHECK(r.inherits_listener());
    CHECK(r.env.count("NODE_UNIQUE_ID") == 0);
    CHECK(r.env.at("LISTEN_FDS") == "1");
    CHECK(r.env.at("NODE_CHANNEL_FD") == "4");
}

TEST_CASE("a port in use fails the start and adds nothing") {
    Fixture f;
    AppSpec spec = app("web");
    spec.listen.port = 1;
    CHECK_THROWS_WITH(f.table.start(spec), "cannot listen on :1: in use");
    CHECK(f.table.all_ids().empty());
    CHECK(f.launcher.spawned.empty());
}

TEST_CASE(
    "node cluster workers are announced to the socket broker, disconnected on stop, removed on "
    "exit") {
    Fixture f;
    int id = f.table.start(node_app_on_port("web")).front();
    int pid = f.pid(id);
    CHECK(f.sockets.workers.at(pid) == "web");
    f.table.stop({id});
    CHECK(f.sockets.disconnected == std::vector<int>{pid});
    f.table.on_exit(id, pid, 0, std::nullopt);
    CHECK(f.sockets.workers.count(pid) == 0);
    f.table.remove({id});
    CHECK(f.sockets.closed_listeners == std::vector<int>{51});
}

TEST_CASE("an app without a port, or that inherits its socket, is no cluster worker") {
    Fixture f;
    f.table.start(app("plain"));
    AppSpec inherit = node_app_on_port("old");
    inherit.env["NODE_CLUSTER_SCHED_POLICY"] = "none";
    f.table.start(inherit);
    CHECK(f.sockets.workers.empty());
}

TEST_CASE("a node script with -i 4 and no port: four cluster workers, no socket of tend's") {
    Fixture f;
    AppSpec spec = node_app_on_port("web");
    spec.listen.port = 0;
    spec.instances = 4;
    auto ids = f.table.start(spec);
    CHECK(f.sockets.listeners.empty());
    REQUIRE(f.launcher.spawned.size() == 4);
    for (const auto& r : f.launcher.spawned) {
        CHECK(r.node_cluster);
        CHECK(r.listen_fd == -1);
        CHECK(r.env.at("NODE_UNIQUE_ID") == std::to_string(r.id));
        CHECK(r.env.at("NODE_CHANNEL_FD") == "3");
        CHECK(r.env.count("PORT") == 0);
        CHECK(r.env.count("LISTEN_FDS") == 0);
    }
    CHECK(f.sockets.workers.size() == 4);
    CHECK(f.table.info(ids[0], false).mode == "cluster");
    CHECK(f.table.find_app("web")->spec.exec_mode == "cluster");
}

TEST_CASE("fork mode: a node script's instances are independent processes, scaled ones too") {
    Fixture f;
    AppSpec spec = node_app_on_port("web");
    spec.listen.port = 0;
    spec.instances = 2;
    spec.exec_mode = "fork";
    auto ids = f.table.start(spec);
    for (const auto& r : f.launcher.spawned) CHECK_FALSE(r.node_cluster);
    CHECK(f.sockets.workers.empty());
    CHECK(f.table.info(ids[1], false).mode == "fork");
    // -i 1 is fork mode, and stays so when scaled, as under PM2.
    AppSpec one = node_app_on_port("one");
    one.listen.port = 0;
    f.table.start(one);
    auto added = f.table.scale("one", 3);
    CHECK(f.table.info(added.back(), false).mode == "fork");
    CHECK_FALSE(f.launcher.spawned.back().node_cluster);
}

TEST_CASE("stopping a node worker: disconnect, the stop signal after kill_timeout, then SIGKILL") {
    Fixture f;
    AppSpec spec = node_app_on_port("web");
    spec.restart.kill_timeout_ms = 1000;
    int id = f.table.start(spec).front();
    int pid = f.pid(id);
    f.table.stop({id});
    CHECK(f.sockets.disconnected == std::vector<int>{pid});
    CHECK(f.launcher.signals.empty());  // an app exiting at once on SIGINT would drop requests
    CHECK(f.told.back() == f.clock.now + 1000);
    f.clock.now += 1000;
    f.table.tick();
    CHECK(f.launcher.signalled(pid, SIGINT));
    CHECK_FALSE(f.launcher.signalled(pid, SIGKILL));
    CHECK(f.told.back() == f.clock.now + 1000);
    f.clock.now += 1000;
    f.table.tick();
    CHECK(f.launcher.signalled(pid, SIGKILL));
    f.table.on_exit(id, pid, std::nullopt, SIGKILL);
    CHECK(f.state(id) == InstanceState::kStopped);
}

TEST_CASE("a node worker that exits after its disconnect is never signalled") {
    Fixture f;
    int id = f.table.start(node_app_on_port("web")).front();
    int pid = f.pid(id);
    bool restarted = false;
    f.table.restart({id});
    f.table.when_settled({id}, [&] { restarted = true; });
    f.table.on_exit(id, pid, 0, std::nullopt);
    CHECK(restarted);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK_FALSE(f.launcher.signalled(pid, SIGINT));
    CHECK_FALSE(f.table.next_deadline().has_value());
}

TEST_CASE("reload of a node worker disconnects the old process once the new one runs") {
    Fixture f;
    int id = f.table.start(node_app_on_port("web")).front();
    int old = f.pid(id);
    f.table.reload({id});
    int replacement = f.pid(id);
    CHECK(replacement != old);
    CHECK(f.sockets.disconnected == std::vector<int>{old});
    CHECK_FALSE(f.launcher.signalled(old, SIGINT));
    f.clock.now += 1600;
    f.table.tick();
    CHECK(f.launcher.signalled(old, SIGINT));
    f.clock.now += 1600;
    f.table.tick();
    CHECK(f.launcher.signalled(old, SIGKILL));
    f.table.on_exit(id, old, std::nullopt, SIGKILL);
    CHECK(f.pid(id) == replacement);
    CHECK_FALSE(f.launcher.signalled(replacement, SIGINT));
}
