// The table's state as the next daemon reads it: every field of an app and
// an instance, through JSON and back.
#include <doctest/doctest.h>

#include "daemon/handover/table_state_json.h"

using namespace tend;

namespace {

Instance busy_instance() {
    Instance i;
    i.id = 4;
    i.index = 1;
    i.app = "api";
    i.state = InstanceState::kStopping;
    i.pid = 4321;
    i.created_wall_ms = 1111;
    i.started_wall_ms = 2222;
    i.started_ms = 3333;
    i.deadline_ms = 4444;
    i.stop_step = StopStep::kSignalled;
    i.node_worker = true;
    i.restarts = 6;
    i.restarts_by_reason = {{"crash", 2}, {"user", 4}};
    i.history = RestartHistory{3, 800};
    i.exit_code = 2;
    i.exit_signal = 9;
    i.after_stop = AfterStop::kRestart;
    i.out_log = "/logs/api-out-4.log";
    i.err_log = "/logs/api-err-4.log";
    i.last_reason = {"signal", "signal SIGSEGV"};
    i.pending_reason = {"user", "restart"};
    i.retiring_pid = 4300;
    i.retire_deadline_ms = 5555;
    i.retire_step = StopStep::kDisconnecting;
    i.retiring_started_ms = 6666;
    i.retiring_started_wall_ms = 7777;
    i.env = InstanceEnv(EnvMap{{"A", "1"}});
    i.retiring_env = InstanceEnv(EnvMap{{"A", "0"}});
    i.schedule_paused = true;
    return i;
}

TableState busy_table() {
    TableState s;
    s.next_id = 9;
    App app;
    app.spec.name = "api";
    app.spec.script = "/srv/api.js";
    app.spec.instances = 2;
    app.ids = {3, 4};
    app.listen_fd = 17;
    app.next_run_wall_ms = 1700000060000;
    app.schedule_check_ms = 8888;
    s.apps["api"] = app;
    s.app_order = {"api"};
    s.instances[4] = busy_instance();
    s.reload_queue = {3};
    s.reloading_id = 4;
    return s;
}

}  // namespace

TEST_CASE("the table's state comes back from its JSON field for field") {
    TableState s = busy_table();
    auto name = [](int fd) { return fd == 17 ? std::string("port:0.0.0.0:80:17") : std::string(); };
    std::string text;
    append_table_state(text, view_of(s), name);
    json first = json::parse(text);
    TableState back = table_state_from_json(first, [](const std::string& n) {
        return n == "port:0.0.0.0:80:17" ? 23 : -1;  // another number in the new daemon
    });
    CHECK(back.apps.at("api").listen_fd == 23);
    CHECK(back.next_id == 9);
    CHECK(back.reloading_id == 4);
    CHECK(back.reload_queue == std::vector<int>{3});
    const Instance& i = back.instances.at(4);
    CHECK(i.state == InstanceState::kStopping);
    CHECK(i.stop_step == StopStep::kSignalled);
    CHECK(i.retire_step == StopStep::kDisconnecting);
    CHECK(i.after_stop == AfterStop::kRestart);
    CHECK(i.history.unstable_restarts == 3);
    CHECK(i.exit_signal == 9);
    CHECK(i.schedule_paused);
    CHECK(i.restarts_by_reason == std::map<std::string, std::int64_t>{{"crash", 2}, {"user", 4}});
    CHECK(back.apps.at("api").next_run_wall_ms == 1700000060000);
    CHECK(back.apps.at("api").schedule_check_ms == 8888);
    // Every other field: the same JSON again (each was set away from its default).
    back.apps.at("api").listen_fd = 17;
    std::string again;
    append_table_state(again, view_of(back), name);
    CHECK(json::parse(again) == first);
}

TEST_CASE("a state saved without some keys (an older release) reads with their defaults") {
    json j = {{"apps", json::array()},
              {"instances", json::array({{{"id", 1}, {"index", 0}, {"app", "a"}, {"state", 1}}})}};
    TableState s = table_state_from_json(j, [](const std::string&) { return -1; });
    CHECK(s.instances.at(1).pid == 0);
    CHECK(s.instances.at(1).state == InstanceState::kOnline);
    CHECK(s.reloading_id == -1);
}
