// The counters /metrics shows of each instance: restarts by reason kind and
// CPU seconds, which only ever grow.
#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

namespace {

std::int64_t by(const Fixture& f, int id, const std::string& kind) {
    const auto& counts = f.table.find(id)->restarts_by_reason;
    auto it = counts.find(kind);
    return it == counts.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("restarts are counted by reason kind and tend reset leaves those counts") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    CHECK(f.table.find(id)->restarts_by_reason.empty());

    f.table.restart({id});
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGINT);
    f.clock.now += 5000;  // stable runs, so every exit restarts at once
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGSEGV);
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 3, std::nullopt);
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 4, std::nullopt);

    CHECK(by(f, id, "user") == 1);
    CHECK(by(f, id, "crash") == 1);
    CHECK(by(f, id, "exit_code") == 2);
    CHECK(by(f, id, "signal") == 0);
    CHECK(f.table.find(id)->restarts == 4);

    f.table.reset_counters({id});
    CHECK(f.table.find(id)->restarts == 0);
    CHECK(by(f, id, "exit_code") == 2);  // a counter never falls
}

TEST_CASE("a restart after restart_delay and a reload are counted by their reason too") {
    Fixture f;
    AppSpec spec = app("api");
    spec.restart.restart_delay_ms = 500;
    int id = f.table.start(spec)[0];
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), 1, std::nullopt);
    CHECK(by(f, id, "exit_code") == 0);  // not yet: it waits
    f.clock.now += 500;
    f.table.tick();
    CHECK(by(f, id, "exit_code") == 1);

    f.table.reload({id});
    CHECK(by(f, id, "user") == 1);
}

TEST_CASE("CPU seconds add up across samples and restarts") {
    Fixture f;
    int id = f.table.start(app("api"))[0];
    f.table.set_metrics(id, 50, 1000, 0.5);
    f.table.set_metrics(id, 25, 1000, 0.25);
    CHECK(f.table.find(id)->cpu_seconds == doctest::Approx(0.75));
    f.clock.now += 5000;
    f.table.on_exit(id, f.pid(id), std::nullopt, SIGKILL);
    CHECK(f.table.find(id)->cpu == 0);
    CHECK(f.table.find(id)->cpu_seconds == doctest::Approx(0.75));  // kept over the restart
    f.table.set_metrics(id, 10, 1000, 0.1);
    CHECK(f.table.find(id)->cpu_seconds == doctest::Approx(0.85));
}
