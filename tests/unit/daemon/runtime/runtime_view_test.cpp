// What tend-runtime reads from the table: whether an instance's last
// process ended because it was asked to stop, or by itself.
#include <doctest/doctest.h>

#include "../process/process_table_support.h"
#include "daemon/runtime/runtime_session.h"

using namespace tend;
using namespace tend::tabletest;

TEST_CASE("runtime view: a stop asked for is told from an exit of the app's own") {
    Fixture f;
    AppSpec job = app("job");
    job.restart.autorestart = false;
    int once = f.table.start(job).front();
    int served = f.table.start(app("api")).front();
    f.table.on_exit(once, f.pid(once), 3, std::nullopt);
    int pid = f.pid(served);
    f.table.stop({served});
    f.table.on_exit(served, pid, std::nullopt, SIGINT);
    auto view = runtime_view(f.table);
    REQUIRE(view.size() == 2);
    const RuntimeInstance& j = view[0].name == "job" ? view[0] : view[1];
    const RuntimeInstance& a = view[0].name == "api" ? view[0] : view[1];
    CHECK_FALSE(j.stop_requested);
    CHECK(j.exit_code == 3);
    CHECK(a.stop_requested);
    CHECK(judge(view).summary == "job-0 exited with code 3");
    // A new process starts with a clean slate.
    f.table.restart({served});
    CHECK_FALSE(f.table.find(served)->stop_requested);
}
