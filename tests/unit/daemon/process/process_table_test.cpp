// The process table driven by fake seams (launcher, socket broker, messenger)
// and a fake clock: no loop, no fork. Each case is a user-visible scenario.
#include <doctest/doctest.h>

#include <csignal>
#include <map>

#include "common/errors.h"
#include "daemon/process/process_table.h"

using namespace tend;

namespace {

class FakeClock : public Clock {
  public:
    std::int64_t now = 1000;
    std::int64_t now_ms() override { return now; }
    std::int64_t wall_ms() override { return 1700000000000 + now; }
};

class FakeLauncher : public Launcher {
  public:
    int next_pid = 100;
    bool fail = false;
    std::vector<SpawnRequest> spawned;
    std::vector<std::pair<int, int>> signals;  // (pid, sig)

    int spawn(const SpawnRequest& r) override {
        if (fail) throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': nope");
        spawned.push_back(r);
        return next_pid++;
    }
    void signal_group(int pid, int sig) override { signals.emplace_back(pid, sig); }
    void signal_process(int pid, int sig) override { process_signals.emplace_back(pid, sig); }
    std::vector<std::pair<int, int>> process_signals;  // (pid, sig), to the process alone
    bool signalled(int pid, int sig) const {
        for (auto [p, s] : signals)
            if (p == pid && s == sig) return true;
        return false;
    }
};

class FakeSockets : public SocketBroker {
  public:
    std::vector<std::pair<std::string, int>> listeners;  // (host, port)
    std::vector<int> closed_listeners;
    std::map<int, std::string> workers;  // pid → app, while a Node cluster worker
    std::vector<int> retired;
    std::vector<int> disconnected;  // told to disconnect, as Node's worker.disconnect()

    int open_listener(const std::string& host, int port) override {
        if (port == 1) throw TendError(ErrorCode::kSpawnFailed, "cannot listen on :1: in use");
        listeners.emplace_back(host, port);
        return 50 + static_cast<int>(listeners.size());
    }
    void close_listener(int fd) override { closed_listeners.push_back(fd); }
    void add_worker(int pid, const std::string& app, int) override { workers[pid] = app; }
    void retire_worker(int pid) override { retired.push_back(pid); }
    void remove_worker(int pid) override { workers.erase(pid); }
    bool disconnect_worker(int pid) override {
        if (!workers.count(pid)) return false;
        disconnected.push_back(pid);
        return true;
    }
};

class FakeMessenger : public Messenger {
  public:
    std::vector<std::pair<int, std::string>> messages;  // (pid, line)
    bool send_message(int pid, const std::string& line) override {
        messages.emplace_back(pid, line);
        return true;
    }
};

AppSpec app(const std::string& name, int instances = 1) {
    AppSpec s;
    s.name = name;
    s.script = "/bin/app";
    s.interpreter = "none";
    s.instances = instances;
    return s;
}

// A Node script (node chosen by its extension) sharing port 8000.
AppSpec node_app_on_port(const std::string& name) {
    AppSpec s = app(name);
    s.script = "/srv/app.js";
    s.interpreter = "";
    s.listen.port = 8000;
    return s;
}

struct Fixture {
    FakeClock clock;
    FakeLauncher launcher;
    FakeSockets sockets;
    FakeMessenger messenger;
    ProcessTable table{TableSeams{launcher, sockets, messenger, clock},
                       TableConfig{"/home/t",
                                   "/home/t/logs",
                                   {{"PATH", "/bin"}},
                                   "/share/preload.js",
                                   "/home/t/notify.sock"}};
    // What the table told its watcher, in order: the next deadline each time.
    std::vector<std::optional<std::int64_t>> told;
    Fixture() {
        table.watch([this](std::optional<std::int64_t> next) { told.push_back(next); });
    }
    InstanceState state(int id) { return table.find(id)->state; }
    int pid(int id) { return table.find(id)->pid; }
};

}  // namespace

TEST_CASE("start -i 4 spawns four instances with indexes and their environment") {
    Fixture f;
    auto ids = f.table.start(app("api", 4));
    REQUIRE(ids.size() == 4);
    REQUIRE(f.launcher.spawned.size() == 4);
    for (int i = 0; i < 4; ++i) {
        CHECK(f.state(ids[i]) == InstanceState::kOnline);
        const auto& env = f.launcher.spawned[i].env;
        CHECK(env.at("TEND_INSTANCE") == std::to_string(i));
        CHECK(env.at("NODE_APP_INSTANCE") == std::to_string(i));
        CHECK(env.at("TEND_ID") == std::to_string(ids[i]));
        CHECK(env.at("TEND_APP_NAME") == "api");
        CHECK(env.at("TEND_HOME") == "/home/t");
        CHECK(env.at("PATH") == "/bin");
    }
    CHECK(f.launcher.spawned[1].out_log == "/home/t/logs/api-out-1.log");
    CHECK(f.table.info(ids[0], false).mode == "fork");  // not Node: independent processes
    CHECK(f.table.find_app("api")->spec.exec_mode == "fork");
}

TEST_CASE("starting a name that exists says to use restart") {
    Fixture f;
    f.table.start(app("api"));
    CHECK_THROWS_WITH(f.table.start(app("api")),
                      "an app named 'api' already exists; use 'tend restart api'");
}

TEST_CASE("a failed first spawn adds nothing") {
    Fixture f;
    f.launcher.fail = true;
    CHECK_THROWS_AS(f.table.start(app("api")), TendError);
    CHECK(f.table.all_ids().empty());
    CHECK(f.table.find_app("api") == nullptr);
}

TEST_CASE("a crash restarts at once with a new pid and counts the restart") {
    Fixture f;
    int id = f.table.start(app("api")).front();
    int old = f.pid(id);
    f.clock.now += 5000;
    f.table.on_exit(id, old, std::nullopt, SIGKILL);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != old);
    CHECK(f.table.find(id)->restarts == 1);
    CHECK(f.table.info(id, false).exit_signal == "SIGKILL");
    CHECK(f.launcher.signalled(old, SIGKILL));  // leftovers of the old group
}

TEST_CASE("an exit of a pid that is no longer the instance's is ignored") {
    Fixture f;
    int id = f.table.start(app("api")).front();
    f.table.on_exit(id, 99999, 1, std::nullopt);
    CHECK(f.table.find(id)->restarts == 0);
}

TEST_CASE("a crash loop ends errored after max_restarts, and restart starts it fresh") {
    Fixture f;
    AppSpec s = app("loop");
    s.restart.max_restarts = 3;
    int id = f.table.start(s).front();
    for (int i = 0; i < 4; ++i) {
        f.clock.now += 10;
        f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    }
    CHECK(f.state(id) == InstanceState::kErrored);
    CHECK(f.table.find(id)->restarts == 3);
    f.table.restart({id});
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.table.find(id)->history.unstable_restarts == 0);
}

TEST_CASE("restart_delay waits in waiting_restart until the deadline") {
    Fixture f;
    AppSpec s = app("slow");
    s.restart.restart_delay_ms = 500;
    int id = f.table.start(s).front();
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    CHECK(f.state(id) == InstanceState::kWaitingRestart);
    CHECK(f.table.next_deadline() == f.clock.now + 500);
    f.clock.now += 499;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kWaitingRestart);
    f.clock.now += 1;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(!f.table.next_deadline());
}

TEST_CASE("stop signals the group, SIGKILLs it after kill_timeout, and settles on exit") {
    Fixture f;
    AppSpec s = app("api");
    s.restart.kill_timeout_ms = 300;
    s.restart.kill_signal = "SIGTERM";
    int id = f.table.start(s).front();
    int pid = f.pid(id);
    bool settled = false;
    f.table.stop({id});
    f.table.when_settled({id}, [&] { settled = true; });
    CHECK(f.launcher.signalled(pid, SIGTERM));
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK_FALSE(settled);
    f.clock.now += 300;
    f.table.tick();
    CHECK(f.launcher.signalled(pid, SIGKILL));
    f.table.on_exit(id, pid, std::nullopt, SIGKILL);
    CHECK(f.state(id) == InstanceState::kStopped);
    CHECK(settled);
    CHECK(f.table.find(id)->restarts == 0);
}

TEST_CASE("restart of a running instance stops it, then spawns it again") {
    Fixture f;
    int id = f.table.start(app("api")).front();
    int pid = f.pid(id);
    f.table.restart({id});
    CHECK(f.state(id) == InstanceState::kStopping);
    f.table.on_exit(id, pid, 0, std::nullopt);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != pid);
    CHECK(f.table.find(id)->restarts == 1);
}

TEST_CASE("delete removes the app once its instances have exited") {
    Fixture f;
    auto ids = f.table.start(app("api", 2));
    f.table.remove(ids);
    CHECK(f.table.find_app("api") != nullptr);
    for (int id : ids) f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    CHECK(f.table.find_app("api") == nullptr);
    CHECK(f.table.all_ids().empty());
}

TEST_CASE("stopping a waiting_restart instance cancels the restart") {
    Fixture f;
    AppSpec s = app("api");
    s.restart.restart_delay_ms = 1000;
    int id = f.table.start(s).front();
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    f.table.stop({id});
    CHECK(f.state(id) == InstanceState::kStopped);
    CHECK(!f.table.next_deadline());
}

TEST_CASE("targets resolve by id, name and all, and unknown ones suggest a name") {
    Fixture f;
    auto api = f.table.start(app("api", 2));
    auto web = f.table.start(app("web"));
    CHECK(f.table.resolve({"api"}, false) == api);
    CHECK(f.table.resolve({std::to_string(web[0])}, false) == web);
    CHECK(f.table.resolve({"all"}, false).size() == 3);
    CHECK(f.table.resolve(std::vector<std::string>{}, true).size() == 3);
    CHECK_THROWS_WITH(f.table.resolve({"apu"}, false),
                      "no app, id, namespace or script 'apu' (did you mean 'api'?)");
    CHECK_THROWS_WITH(f.table.resolve({"zzzzzz"}, false),
                      "no app, id, namespace or script 'zzzzzz'");
    CHECK_THROWS_WITH(f.table.resolve({"42"}, false), "no app, id, namespace or script '42'");
}

TEST_CASE("merged logs share one pair of files, custom paths get the id") {
    Fixture f;
    AppSpec merged = app("m", 2);
    merged.logs.merge_logs = true;
    auto ids = f.table.start(merged);
    CHECK(f.table.find(ids[0])->out_log == "/home/t/logs/m-out.log");
    CHECK(f.table.find(ids[1])->out_log == "/home/t/logs/m-out.log");
    AppSpec custom = app("c", 2);
    custom.logs.out_file = "/var/log/c.log";
    auto cids = f.table.start(custom);
    CHECK(f.table.find(cids[1])->out_log == "/var/log/c-" + std::to_string(cids[1]) + ".log");
}

TEST_CASE("metrics history keeps the last 60 samples, oldest first") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    for (int i = 0; i < 70; ++i) f.table.set_metrics(id, i, 1000 + i);
    InstanceInfo info = f.table.info(id, false, true);
    REQUIRE(info.cpu_history.size() == kMetricsHistory);
    REQUIRE(info.memory_history.size() == kMetricsHistory);
    CHECK(info.cpu_history.front() == 10);
    CHECK(info.cpu_history.back() == 69);
    CHECK(info.memory_history.back() == 1069);
    CHECK(info.cpu == 69);
    CHECK(f.table.info(id, false).cpu_history.empty());  // only when asked for
}

TEST_CASE("max_memory_restart: two samples over the limit in a row restart gracefully") {
    Fixture f;
    AppSpec spec = app("hog");
    spec.restart.max_memory_bytes = 200 << 20;
    int id = f.table.start(spec)[0];
    int first = f.pid(id);

    f.table.set_metrics(id, 0, 300 << 20);
    f.table.set_metrics(id, 0, 100 << 20);  // a spike that passed: the count starts again
    f.table.set_metrics(id, 0, 300 << 20);
    CHECK(f.state(id) == InstanceState::kOnline);
    f.table.set_metrics(id, 0, 300 << 20);
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.launcher.signalled(first, SIGINT));

    f.table.on_exit(id, first, std::nullopt, SIGINT);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != first);
    InstanceInfo info = f.table.info(id, false);
    CHECK(info.restarts == 1);
    CHECK(info.restart_reason == "memory");
    CHECK(info.restart_reason_detail == "rss 300.0mb over max_memory_restart 200.0mb");
}

TEST_CASE("without max_memory_restart any memory is fine") {
    Fixture f;
    int id = f.table.start(app("big"))[0];
    for (int i = 0; i < 5; ++i) f.table.set_metrics(id, 0, std::int64_t{8} << 30);
    CHECK(f.state(id) == InstanceState::kOnline);
}

TEST_CASE("restart reasons: user, signal, crash, exit code") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    CHECK(f.table.info(id, false).restart_reason.empty());

    f.table.restart({id});
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGINT);
    CHECK(f.table.info(id, false).restart_reason == "user");

    f.clock.now += 5000;  // stable runs, so every exit restarts at once
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGKILL);
    CHECK(f.table.info(id, false).restart_reason == "signal");
    CHECK(f.table.info(id, false).restart_reason_detail == "signal SIGKILL");

    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGSEGV);
    CHECK(f.table.info(id, false).restart_reason == "crash");
    CHECK(f.table.info(id, false).restart_reason_detail == "signal SIGSEGV");

    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 3, std::nullopt);
    CHECK(f.table.info(id, false).restart_reason == "exit_code");
    CHECK(f.table.info(id, false).restart_reason_detail == "exit code 3");
    CHECK(f.table.info(id, false).restarts == 4);
}

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

TEST_CASE("wait_ready: launching until ready, or online anyway after listen_timeout") {
    Fixture f;
    AppSpec spec = app("w", 2);
    spec.listen.wait_ready = true;
    spec.listen.listen_timeout_ms = 3000;
    auto ids = f.table.start(spec);
    CHECK(f.state(ids[0]) == InstanceState::kLaunching);
    f.table.mark_ready(f.pid(ids[0]));
    CHECK(f.state(ids[0]) == InstanceState::kOnline);
    CHECK(f.state(ids[1]) == InstanceState::kLaunching);
    CHECK(f.table.next_deadline() == f.clock.now + 3000);
    f.clock.now += 3000;
    f.table.tick();
    CHECK(f.state(ids[1]) == InstanceState::kOnline);
}

TEST_CASE("reload replaces one instance at a time, each new one ready before the old one stops") {
    Fixture f;
    AppSpec spec = app("api", 2);
    spec.listen.wait_ready = true;
    auto ids = f.table.start(spec);
    for (int id : ids) f.table.mark_ready(f.pid(id));
    int old0 = f.pid(ids[0]), old1 = f.pid(ids[1]);
    bool done = false;
    f.table.reload(ids);
    f.table.when_settled(ids, [&] { done = true; });

    int new0 = f.pid(ids[0]);
    CHECK(new0 != old0);
    CHECK(f.launcher.spawned.size() == 3);            // only instance 0's replacement so far
    CHECK_FALSE(f.launcher.signalled(old0, SIGINT));  // not ready yet: the old one serves
    f.table.mark_ready(new0);
    CHECK(f.launcher.signalled(old0, SIGINT));
    CHECK(f.launcher.spawned.size() == 3);  // the next waits until the old one is gone
    f.table.on_exit(ids[0], old0, 0, std::nullopt);
    CHECK(f.launcher.spawned.size() == 4);
    int new1 = f.pid(ids[1]);
    f.table.mark_ready(new1);
    CHECK(f.launcher.signalled(old1, SIGINT));
    CHECK_FALSE(done);
    f.table.on_exit(ids[1], old1, 0, std::nullopt);
    CHECK(done);
    for (int id : ids) {
        CHECK(f.state(id) == InstanceState::kOnline);
        CHECK(f.table.info(id, false).restarts == 1);
        CHECK(f.table.info(id, false).restart_reason == "user");
    }
}

TEST_CASE("reload: a replacement that dies before it is ready leaves the old process serving") {
    Fixture f;
    AppSpec spec = app("api");
    spec.listen.wait_ready = true;
    int id = f.table.start(spec)[0];
    f.table.mark_ready(f.pid(id));
    int old = f.pid(id);
    f.table.reload({id});
    int replacement = f.pid(id);
    f.table.on_exit(id, replacement, 1, std::nullopt);
    CHECK(f.pid(id) == old);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK_FALSE(f.launcher.signalled(old, SIGINT));
}

TEST_CASE("reload: an old process that ignores the stop signal is SIGKILLed after kill_timeout") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    int old = f.pid(id);
    f.table.reload({id});  // no wait_ready: ready once spawned
    CHECK(f.launcher.signalled(old, SIGINT));
    f.clock.now += 1600;
    f.table.tick();
    CHECK(f.launcher.signalled(old, SIGKILL));
}

TEST_CASE("scale grows with the next indexes and shrinks from the highest") {
    Fixture f;
    auto ids = f.table.start(app("api", 2));
    auto added = f.table.scale("api", 4);
    REQUIRE(added.size() == 2);
    CHECK(f.table.find(added[0])->index == 2);
    CHECK(f.table.find(added[1])->index == 3);
    CHECK(f.state(added[1]) == InstanceState::kOnline);

    auto removed = f.table.scale("api", 1);
    REQUIRE(removed.size() == 3);
    for (int id : removed) CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.state(ids[0]) == InstanceState::kOnline);
    for (int id : removed) f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    CHECK(f.table.all_ids() == std::vector<int>{ids[0]});

    CHECK_THROWS_WITH(
        f.table.scale("api", 0),
        "cannot scale 'api' to 0 instances (1..10000; use 'tend stop api' to stop it)");
    CHECK_THROWS_WITH(f.table.scale("nope", 2), "no app named 'nope'");
}

TEST_CASE("messages go to running instances' channels") {
    Fixture f;
    auto ids = f.table.start(app("api", 2));
    f.table.stop({ids[1]});
    f.table.on_exit(ids[1], f.pid(ids[1]), 0, std::nullopt);
    auto reached = f.table.send_message(ids, "{\"hi\":1}");
    CHECK(reached == std::vector<int>{ids[0]});
    CHECK(f.messenger.messages.at(0).second == "{\"hi\":1}");
}

TEST_CASE("the table tells its watcher its next deadline after each change, once per call") {
    Fixture f;
    AppSpec s = app("api");
    s.restart.kill_timeout_ms = 300;
    s.restart.restart_delay_ms = 500;
    int id = f.table.start(s).front();
    REQUIRE(f.told.size() == 1);
    CHECK_FALSE(f.told.back().has_value());  // online: nothing pending

    f.table.stop({id});  // the SIGKILL deadline
    REQUIRE(f.told.size() == 2);
    CHECK(f.told.back() == f.clock.now + 300);

    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    REQUIRE(f.told.size() == 3);
    CHECK_FALSE(f.told.back().has_value());

    f.table.restart({id});
    int pid = f.pid(id);
    f.table.on_exit(id, pid, 1, std::nullopt);  // a crash: the restart delay
    CHECK(f.told.back() == f.clock.now + 500);
    f.clock.now += 500;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK_FALSE(f.told.back().has_value());

    // Reading the table tells nothing.
    std::size_t told = f.told.size();
    f.table.infos(f.table.all_ids(), true);
    f.table.resolve({"api"}, false);
    CHECK(f.told.size() == told);
}

TEST_CASE("a memory restart from a metrics sample tells the watcher its kill deadline") {
    Fixture f;
    AppSpec s = app("hog");
    s.restart.max_memory_bytes = 100;
    s.restart.kill_timeout_ms = 700;
    int id = f.table.start(s).front();
    std::size_t told = f.told.size();
    f.table.set_metrics(id, 0, 50);  // under the limit: no change to tell
    CHECK(f.told.size() == told);
    for (int i = 0; i < kMemoryOverSamples; ++i) f.table.set_metrics(id, 0, 200);
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.told.back() == f.clock.now + 700);
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
    CHECK(f.table.find(ids[0])->env.at("GREETING") == "one");  // running: its old spec
    f.table.reload({ids[0]});
    CHECK(f.pid(ids[0]) != old0);
    CHECK(f.launcher.spawned.back().argv.front() == "/srv/v2/app");
    CHECK(f.table.find(ids[0])->env.at("GREETING") == "two");
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
    CHECK(f.table.find(id)->env.at("V") == "2");
    f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    CHECK(f.table.find(id)->env.at("V") == "1");
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
