// Watch mode's part of the hand-over: a pending change and whether the
// process was started by one come back from the JSON.
#include <doctest/doctest.h>

#include "daemon/handover/table_state_json.h"

using namespace tend;

TEST_CASE("a pending watched change and watch_started cross a take-over") {
    TableState s;
    App app;
    app.spec.name = "api";
    app.spec.script = "/srv/api.js";
    app.ids = {0};
    app.watch_deadline_ms = 1234;
    app.watch_change = "src/app.js";
    app.watch_status = "watching 3 directories";  // the next daemon's own
    s.apps["api"] = app;
    s.app_order = {"api"};
    Instance i;
    i.app = "api";
    i.watch_started = true;
    s.instances[0] = i;
    std::string text;
    append_table_state(text, view_of(s), [](int) { return std::string(); });
    TableState back =
        table_state_from_json(json::parse(text), [](const std::string&) { return -1; });
    CHECK(back.apps.at("api").watch_deadline_ms == 1234);
    CHECK(back.apps.at("api").watch_change == "src/app.js");
    CHECK(back.apps.at("api").watch_status.empty());
    CHECK(back.instances.at(0).watch_started);
}
