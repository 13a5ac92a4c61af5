// -i max / -N resolved by the table against the CPUs the daemon may use
// (TableConfig::usable_cpus; 3 in the fixture), not by the CLI.
#include <doctest/doctest.h>

#include "process_table_support.h"

using namespace tend;
using namespace tend::tabletest;

namespace {

AppSpec per_cpu_app(const std::string& name, const std::string& word) {
    AppSpec spec = app(name);
    spec.instances_per_cpu = word;
    return spec;
}

}  // namespace

TEST_CASE("cpus: -i max starts one instance per CPU the daemon may use and -1 one fewer") {
    Fixture f;
    CHECK(f.table.start(per_cpu_app("every", "max")).size() == 3);
    CHECK(f.table.find_app("every")->spec.instances == 3);
    CHECK(f.table.find_app("every")->spec.instances_per_cpu == "max");
    CHECK(f.table.start(per_cpu_app("fewer", "-1")).size() == 2);
    f.usable_cpus = 1;
    CHECK(f.table.start(per_cpu_app("one", "-1")).size() == 1);  // never fewer than one
}

TEST_CASE("cpus: the count is asked at each start and capped at kMaxAppInstances") {
    Fixture f;
    f.usable_cpus = 5000;
    CHECK(f.table.start(per_cpu_app("big", "max")).size() ==
          static_cast<std::size_t>(kMaxAppInstances));
}

TEST_CASE("cpus: a bad word is refused before anything starts") {
    Fixture f;
    CHECK_THROWS_WITH(f.table.start(per_cpu_app("x", "lots")),
                      "instances_per_cpu must be 'max', 0 or -N, not 'lots'");
    CHECK(f.table.find_app("x") == nullptr);
    CHECK(f.launcher.spawned.empty());
}

TEST_CASE(
    "cpus: a reload's spec saying max is counted again and a scale makes the count the user's") {
    Fixture f;
    f.table.start(per_cpu_app("api", "max"));
    f.usable_cpus = 2;
    auto removed = f.table.replace_spec(per_cpu_app("api", "max"));
    CHECK(removed.size() == 1);
    CHECK(f.table.find_app("api")->spec.instances == 2);
    CHECK(f.table.find_app("api")->spec.instances_per_cpu == "max");
    f.table.scale("api", 4);
    CHECK(f.table.find_app("api")->spec.instances == 4);
    CHECK(f.table.find_app("api")->spec.instances_per_cpu.empty());
    CHECK(f.table.specs().front().instances_per_cpu.empty());  // what `tend save` keeps
}
