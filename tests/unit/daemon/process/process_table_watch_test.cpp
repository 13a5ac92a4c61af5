// Watch mode in the process table, with the fake clock: changes debounced
// into one restart (or reload), a stopped app left alone, and an app that a
// change broke waiting for the next change (waiting_change) instead of
// crash-looping to errored.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

namespace {

AppSpec watched(const std::string& name, int instances = 1) {
    AppSpec s = app(name, instances);
    s.cwd = "/srv/" + name;
    s.watch.enabled = true;
    s.watch.delay_ms = 200;
    return s;
}

// The instance's process exits by itself now (after ms of life).
void exit_after(Fixture& f, int id, std::int64_t after_ms, int code = 1) {
    f.clock.now += after_ms;
    f.table.on_exit(id, f.pid(id), code, std::nullopt);
}

// The kill signal sent by a restart: the process exits on it.
void dies_of_stop(Fixture& f, int id) {
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGINT);
}

}  // namespace

TEST_CASE("a burst of changes restarts the app once, watch_delay after the last") {
    Fixture f;
    int id = f.table.start(watched("api")).front();
    int first = f.pid(id);
    for (int i = 0; i < 100; ++i) {
        f.table.on_watched_change("api", i == 0 ? "src/app.js" : "src/other.js");
        f.clock.now += 1;  // 100 changes within 100 ms
    }
    CHECK(f.told.back() == f.clock.now - 1 + 200);  // the deadline moved with each
    f.clock.now += 150;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);  // not yet: quiet for 150 ms only
    f.clock.now += 60;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.launcher.signalled(first, SIGINT));
    dies_of_stop(f, id);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.pid(id) != first);
    CHECK(f.table.find(id)->restarts == 1);
    InstanceInfo info = f.table.info(id, false);
    CHECK(info.restart_reason == "watch");
    CHECK(info.restart_reason_detail == "src/app.js changed");  // the burst's first
    CHECK_FALSE(f.table.next_deadline().has_value());
    f.clock.now += 10'000;
    f.table.tick();
    CHECK(f.table.find(id)->restarts == 1);  // nothing more pending
}

TEST_CASE("a stopped app ignores changes, as do an unwatched and an unknown app") {
    Fixture f;
    int id = f.table.start(watched("api")).front();
    f.table.stop({id});
    dies_of_stop(f, id);
    REQUIRE(f.state(id) == InstanceState::kStopped);
    f.table.on_watched_change("api", "a.js");
    CHECK_FALSE(f.table.next_deadline().has_value());
    int plain = f.table.start(app("plain")).front();
    f.table.on_watched_change("plain", "a.js");
    f.table.on_watched_change("nobody", "a.js");
    CHECK_FALSE(f.table.next_deadline().has_value());
    CHECK(f.state(plain) == InstanceState::kOnline);
}

TEST_CASE(
    "a process a change started that dies young waits for the next change, which starts it once") {
    Fixture f;
    int id = f.table.start(watched("api")).front();
    f.table.on_watched_change("api", "src/app.js");
    f.clock.now += 200;
    f.table.tick();
    dies_of_stop(f, id);
    REQUIRE(f.state(id) == InstanceState::kOnline);
    std::size_t spawns = f.launcher.spawned.size();
    exit_after(f, id, 100);  // before min_uptime (1 s): the change broke it
    CHECK(f.state(id) == InstanceState::kWaitingChange);
    CHECK(f.pid(id) == 0);
    CHECK(f.table.info(id, false).exit_code == 1);
    f.clock.now += 60'000;
    f.table.tick();
    CHECK(f.launcher.spawned.size() == spawns);  // no restart by itself
    f.table.on_watched_change("api", "src/app.js");
    f.clock.now += 200;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == spawns + 1);
    CHECK(f.table.info(id, false).restart_reason == "watch");
    exit_after(f, id, 5000);  // a crash after a good run: an ordinary restart
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.launcher.spawned.size() == spawns + 2);
}

TEST_CASE("a watched app's crash loop ends in waiting_change, not errored") {
    Fixture f;
    AppSpec spec = watched("api");
    spec.restart.max_restarts = 2;
    int id = f.table.start(spec).front();
    for (int i = 0; i < 3 && f.state(id) == InstanceState::kOnline; ++i) exit_after(f, id, 10);
    CHECK(f.state(id) == InstanceState::kWaitingChange);
    f.table.on_watched_change("api", "");
    f.clock.now += 200;
    f.table.tick();
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.table.info(id, false).restart_reason_detail ==
          "files changed (inotify's queue overflowed)");
    CHECK(f.table.find(id)->history.unstable_restarts == 0);  // a fresh count
}

TEST_CASE("an unwatched app's crash loop still ends errored") {
    Fixture f;
    AppSpec spec = app("api");
    spec.restart.max_restarts = 2;
    int id = f.table.start(spec).front();
    for (int i = 0; i < 3 && f.state(id) == InstanceState::kOnline; ++i) exit_after(f, id, 10);
    CHECK(f.state(id) == InstanceState::kErrored);
}

TEST_CASE("--watch-reload replaces each instance in turn, with reason watch") {
    Fixture f;
    AppSpec spec = watched("api", 2);
    spec.watch.reload = true;
    auto ids = f.table.start(spec);
    int old0 = f.pid(ids[0]);
    f.table.on_watched_change("api", "conf.json");
    f.clock.now += 200;
    f.table.tick();
    const Instance* inst = f.table.find(ids[0]);
    CHECK(inst->retiring_pid == old0);  // the replacement runs beside the old process
    CHECK(inst->last_reason.kind == "watch");
    CHECK(inst->last_reason.detail == "conf.json changed");
    f.table.on_exit(ids[0], old0, std::nullopt, SIGINT);
    CHECK(f.table.find(ids[1])->last_reason.kind == "watch");
}

TEST_CASE("the targets name every watched app's paths, logs and tend's own directories") {
    Fixture f;
    AppSpec spec = watched("api", 2);
    spec.watch.ignore = {"*.tmp"};
    f.table.start(spec);
    f.table.start(app("plain"));
    AppSpec paths = watched("web");
    paths.watch.paths = {"/srv/web/src", "/srv/web/conf.json"};
    f.table.start(paths);
    auto targets = f.table.watch_targets();
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].app == "api");
    CHECK(targets[0].paths == std::vector<std::string>{"/srv/api"});
    CHECK(targets[0].ignore == std::vector<std::string>{"*.tmp"});
    CHECK(targets[0].log_files.size() == 4);
    CHECK(targets[0].private_dirs == std::vector<std::string>{"/home/t", "/home/t/logs"});
    CHECK(targets[1].paths == paths.watch.paths);
    f.table.set_watch_status("api", "watching 3 directories");
    CHECK(f.table.info(f.table.find_app("api")->ids[1], false).watch_status ==
          "watching 3 directories");
}

TEST_CASE("a pending change and a change-started process survive a take-over") {
    Fixture f;
    int id = f.table.start(watched("api")).front();
    f.table.on_watched_change("api", "a.js");
    TableView view = f.table.view();
    TableState state{view.next_id,   view.app_order,    view.apps,
                     view.instances, view.reload_queue, view.reloading_id};
    Fixture next;
    next.clock.now = f.clock.now;
    next.table.adopt(std::move(state));
    CHECK(next.table.next_deadline() == f.clock.now + 200);
    next.clock.now += 200;
    next.table.tick();
    CHECK(next.state(id) == InstanceState::kStopping);
}
