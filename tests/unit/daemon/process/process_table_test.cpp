// The process table driven by fake seams (launcher, socket broker, messenger)
// and a fake clock: no loop, no fork. Each case is a user-visible scenario.
// Cluster workers and ports: process_table_cluster_test.cpp; a new spec,
// reset and signal: process_table_spec_test.cpp.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

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

TEST_CASE("log files are named after the instance index, not the id, which shifts") {
    Fixture f;
    f.table.start(app("other", 3));  // takes ids 0-2: api's ids start at 3
    auto ids = f.table.start(app("api", 2));
    REQUIRE(ids.size() == 2);
    CHECK(ids[0] != 0);
    CHECK(f.table.find(ids[0])->out_log == "/home/t/logs/api-out-0.log");
    CHECK(f.table.find(ids[1])->err_log == "/home/t/logs/api-err-1.log");
    AppSpec custom = app("custom", 2);
    custom.logs.out_file = "/var/log/custom.log";
    auto custom_ids = f.table.start(custom);
    CHECK(f.table.find(custom_ids[1])->out_log == "/var/log/custom-1.log");
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

TEST_CASE("merged logs share one pair of files, custom paths get the index") {
    Fixture f;
    AppSpec merged = app("m", 2);
    merged.logs.merge_logs = true;
    auto ids = f.table.start(merged);
    CHECK(f.table.find(ids[0])->out_log == "/home/t/logs/m-out.log");
    CHECK(f.table.find(ids[1])->out_log == "/home/t/logs/m-out.log");
    AppSpec custom = app("c", 2);
    custom.logs.out_file = "/var/log/c.log";
    auto cids = f.table.start(custom);
    CHECK(cids[1] != 1);
    CHECK(f.table.find(cids[1])->out_log == "/var/log/c-1.log");
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
        "cannot scale 'api' to 0 instances (1..1024; use 'tend stop api' to stop it)");
    CHECK_THROWS_WITH(f.table.scale("nope", 2), "no app named 'nope'");
}

TEST_CASE("a daemon runs at most kMaxTotalInstances, by start or by scale") {
    static_assert(tend::kMaxTotalInstances == 4096 && tend::kMaxAppInstances == 1024);
    Fixture f;
    for (int i = 0; i < 3; ++i) f.table.start(app("app" + std::to_string(i), 1024));
    f.table.start(app("app3", 1000));
    f.table.start(app("app4", 20));
    CHECK_THROWS_WITH(f.table.scale("app4", 30),
                      "cannot run 4102 instances: a daemon runs at most 4096 (it has 4092; "
                      "\"max_instances\" in config.json raises it)");
    f.table.scale("app4", 24);
    CHECK(f.table.all_ids().size() == 4096);
    CHECK_THROWS_WITH(f.table.start(app("one-more", 1)),
                      "cannot run 4097 instances: a daemon runs at most 4096 (it has 4096; "
                      "\"max_instances\" in config.json raises it)");
    CHECK(f.table.find_app("one-more") == nullptr);
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

TEST_CASE("a one-shot app that exits 0 is completed; one that fails is stopped, its code kept") {
    Fixture f;
    AppSpec job = app("migrate");
    job.restart.autorestart = false;
    int ok = f.table.start(job).front();
    f.table.on_exit(ok, f.pid(ok), 0, std::nullopt);
    CHECK(f.table.info(ok, false).status == InstanceState::kCompleted);
    CHECK(f.table.info(ok, false).exit_code == 0);
    job.name = "broken";
    int failed = f.table.start(job).front();
    f.table.on_exit(failed, f.pid(failed), 1, std::nullopt);
    CHECK(f.table.info(failed, false).status == InstanceState::kStopped);
    CHECK(f.table.info(failed, false).exit_code == 1);
    // Restarted by hand, a completed job runs again.
    f.table.restart({ok});
    CHECK(f.table.info(ok, false).status == InstanceState::kOnline);
}
