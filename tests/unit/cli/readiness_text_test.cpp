// An instance online but not ready, and an app's probes, as list and
// describe show them.
#include "cli/render/readiness_text.h"

#include <doctest/doctest.h>

#include "cli/render/describe.h"
#include "cli/render/table.h"

using namespace tend;

namespace {

InstanceInfo probed_instance(bool ready) {
    InstanceInfo info;
    info.id = 1;
    info.name = "web";
    info.mode = "fork";
    info.pid = 77;
    info.status = InstanceState::kOnline;
    info.ready = ready;
    info.health = ready ? "healthy" : "unhealthy";
    return info;
}

std::string field(const std::vector<Field>& fields, const std::string& key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return "<none>";
}

}  // namespace

TEST_CASE("list: online but not ready is online*, with a note under the table") {
    std::string table = render_table({probed_instance(false)}, false);
    CHECK(table.find("│ online* │") != std::string::npos);
    CHECK(table.find("\n* online but not ready: its readiness probe fails\n") != std::string::npos);
    std::string ready = render_table({probed_instance(true)}, false);
    CHECK(ready.find("online*") == std::string::npos);
    CHECK(ready.find("not ready") == std::string::npos);
}

TEST_CASE("describe: not ready in the status, the health, and the probes") {
    InstanceInfo info = probed_instance(false);
    AppSpec spec;
    spec.name = "web";
    spec.script = "/srv/web";
    spec.health.readiness.kind = ProbeKind::kHttpGet;
    spec.health.readiness.port = 8080;
    spec.health.readiness.path = "/ready";
    spec.health.liveness.kind = ProbeKind::kExec;
    spec.health.liveness.command = {"/bin/sh", "-c", "pg_isready"};
    info.spec = spec;
    auto fields = describe_fields(info);
    CHECK(field(fields, "status") == "online (not ready)");
    CHECK(field(fields, "health") == "unhealthy");
    CHECK(field(fields, "readiness") ==
          "http_get 127.0.0.1:8080/ready (200-399), every 10000ms, timeout 1000ms, after 0ms, "
          "1 to pass, 3 to fail");
    CHECK(field(fields, "liveness").rfind("exec /bin/sh -c pg_isready, every", 0) == 0);
}
