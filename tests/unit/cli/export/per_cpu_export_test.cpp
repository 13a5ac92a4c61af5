// `-i max` in an ecosystem file is one instance per CPU of tendd's host: an
// exported unit or manifest cannot count them, and says so.
#include <doctest/doctest.h>

#include "cli/export/export_target.h"

using namespace tend;

namespace {

AppSpec per_cpu_app() {
    AppSpec spec;
    spec.name = "web";
    spec.script = "/srv/web/server.js";
    spec.interpreter = "/usr/bin/node";
    spec.cwd = "/srv/web";
    spec.instances_per_cpu = "max";
    return spec;
}

std::string all_text(const std::vector<ExportedFile>& files) {
    std::string text;
    for (const ExportedFile& f : files) text += f.text;
    return text;
}

}  // namespace

TEST_CASE("export: -i max becomes a comment in every target's output") {
    std::vector<AppSpec> apps{per_cpu_app()};
    const std::string note = "# tend: instances: -i max is one per CPU tendd may use; written as 1";
    CHECK(all_text(export_systemd(apps, {})).find(note) != std::string::npos);
    CHECK(all_text(export_kubernetes(apps, {})).find(note) != std::string::npos);
    CHECK(all_text(export_compose(apps, {})).find(note) != std::string::npos);
    apps.front().instances_per_cpu.clear();
    CHECK(all_text(export_kubernetes(apps, {})).find("-i max") == std::string::npos);
}
