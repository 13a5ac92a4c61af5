// The table's side of health probes, driven by hand-made results and the
// fake clock: readiness gates online and reload, a later failure makes an
// instance not ready (still online), liveness failing restarts it.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

namespace {

Probe http_probe(int success = 1, int failure = 3) {
    Probe p;
    p.kind = ProbeKind::kHttpGet;
    p.port = 8080;
    p.path = "/health";
    p.period_ms = 1000;
    p.success_threshold = success;
    p.failure_threshold = failure;
    return p;
}

AppSpec with_readiness(const std::string& name, int instances = 1) {
    AppSpec spec = app(name, instances);
    spec.health.readiness = http_probe(2, 2);
    return spec;
}

void answer(Fixture& f, int id, ProbeRole role, bool ok, const std::string& detail = "") {
    f.table.on_probe_result(id, f.pid(id), role, ok, detail);
}

}  // namespace

TEST_CASE("readiness: launching until success_threshold passes in a row, with no timeout") {
    Fixture f;
    int id = f.table.start(with_readiness("r"))[0];
    CHECK(f.state(id) == InstanceState::kLaunching);
    CHECK_FALSE(f.table.next_deadline());  // no listen_timeout: the probe decides
    CHECK(f.table.info(id, false).health == "unknown");
    answer(f, id, ProbeRole::kReadiness, true);
    answer(f, id, ProbeRole::kReadiness, false);  // the streak starts over
    answer(f, id, ProbeRole::kReadiness, true);
    CHECK(f.state(id) == InstanceState::kLaunching);
    CHECK_FALSE(f.table.info(id, false).ready);
    answer(f, id, ProbeRole::kReadiness, true);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.table.info(id, false).ready);
    CHECK(f.table.info(id, false).health == "healthy");
}

TEST_CASE("readiness: a ready message does not pass the probe's gate") {
    Fixture f;
    AppSpec spec = with_readiness("r");
    spec.listen.wait_ready = true;
    int id = f.table.start(spec)[0];
    f.table.mark_ready(f.pid(id));
    CHECK(f.state(id) == InstanceState::kLaunching);
}

TEST_CASE("readiness failing later: online and not ready, then ready again") {
    Fixture f;
    int id = f.table.start(with_readiness("r"))[0];
    for (int k = 0; k < 2; ++k) answer(f, id, ProbeRole::kReadiness, true);
    std::size_t told = f.told.size();
    answer(f, id, ProbeRole::kReadiness, false);
    CHECK(f.told.size() == told);  // nothing seen changed: the watcher is not told
    CHECK(f.table.info(id, false).ready);
    answer(f, id, ProbeRole::kReadiness, false);
    CHECK(f.told.size() == told + 1);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK_FALSE(f.table.info(id, false).ready);
    CHECK(f.table.info(id, false).health == "unhealthy");
    CHECK(f.launcher.signals.empty());  // not restarted
    for (int k = 0; k < 2; ++k) answer(f, id, ProbeRole::kReadiness, true);
    CHECK(f.table.info(id, false).ready);
}

TEST_CASE("a probe's result for a pid that is no longer the instance's is ignored") {
    Fixture f;
    AppSpec spec = app("l");
    spec.health.liveness = http_probe(1, 1);
    int id = f.table.start(spec)[0];
    int old = f.pid(id);
    f.table.on_exit(id, old, 1, std::nullopt);  // crashed: restarted at once
    REQUIRE(f.pid(id) != old);
    f.table.on_probe_result(id, old, ProbeRole::kLiveness, false, "late");
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK(f.table.info(id, false).restart_reason == "exit_code");
}

TEST_CASE("liveness failing failure_threshold times in a row restarts with reason health") {
    Fixture f;
    AppSpec spec = app("l");
    spec.health.liveness = http_probe(1, 3);
    int id = f.table.start(spec)[0];
    int old = f.pid(id);
    answer(f, id, ProbeRole::kLiveness, true);
    CHECK(f.table.info(id, false).health == "healthy");
    answer(f, id, ProbeRole::kLiveness, false, "a");
    answer(f, id, ProbeRole::kLiveness, false, "b");
    answer(f, id, ProbeRole::kLiveness, true);  // the count starts over
    answer(f, id, ProbeRole::kLiveness, false, "c");
    answer(f, id, ProbeRole::kLiveness, false, "d");
    CHECK(f.state(id) == InstanceState::kOnline);
    answer(f, id, ProbeRole::kLiveness, false, "http_get 127.0.0.1:8080/health: status 500");
    CHECK(f.state(id) == InstanceState::kStopping);
    CHECK(f.launcher.signalled(old, SIGINT));  // gracefully
    f.table.on_exit(id, old, 0, std::nullopt);
    InstanceInfo info = f.table.info(id, false);
    CHECK(f.pid(id) != old);
    CHECK(info.restarts == 1);
    CHECK(info.restart_reason == "health");
    CHECK(info.restart_reason_detail == "http_get 127.0.0.1:8080/health: status 500");
    CHECK(info.health == "unknown");  // a new process, no verdict yet
    answer(f, id, ProbeRole::kLiveness, true);
    f.table.stop({id});
    f.table.on_exit(id, f.pid(id), 0, std::nullopt);
    CHECK(f.table.info(id, false).health == "unknown");  // stopped: no verdict
}

TEST_CASE("reload waits for the replacement's readiness before the old process stops") {
    Fixture f;
    auto ids = f.table.start(with_readiness("api", 2));
    for (int id : ids)
        for (int k = 0; k < 2; ++k) answer(f, id, ProbeRole::kReadiness, true);
    int old0 = f.pid(ids[0]);
    bool done = false;
    f.table.reload(ids);
    f.table.when_settled(ids, [&] { done = true; });
    int new0 = f.pid(ids[0]);
    CHECK(new0 != old0);
    CHECK(f.state(ids[0]) == InstanceState::kLaunching);
    f.clock.now += 2500;  // not ready yet: within the probe's patience (3 s)
    f.table.tick();
    CHECK_FALSE(f.launcher.signalled(old0, SIGINT));
    for (int k = 0; k < 2; ++k) answer(f, ids[0], ProbeRole::kReadiness, true);
    CHECK(f.launcher.signalled(old0, SIGINT));
    f.table.on_exit(ids[0], old0, 0, std::nullopt);
    int old1 = f.table.find(ids[1])->retiring_pid;
    for (int k = 0; k < 2; ++k) answer(f, ids[1], ProbeRole::kReadiness, true);
    f.table.on_exit(ids[1], old1, 0, std::nullopt);
    CHECK(done);
}

TEST_CASE("reload: a replacement that never passes its readiness is killed; the old one stays") {
    Fixture f;
    AppSpec spec = with_readiness("api");
    spec.listen.listen_timeout_ms = 5000;
    int id = f.table.start(spec)[0];
    for (int k = 0; k < 2; ++k) answer(f, id, ProbeRole::kReadiness, true);
    int old = f.pid(id);
    f.table.reload({id});
    int replacement = f.pid(id);
    REQUIRE(f.table.next_deadline() == f.clock.now + 5000);
    f.clock.now += 5000;
    f.table.tick();
    CHECK(f.launcher.signalled(replacement, SIGKILL));
    CHECK(f.pid(id) == old);
    CHECK(f.state(id) == InstanceState::kOnline);
    CHECK_FALSE(f.launcher.signalled(old, SIGINT));
}
