// -i's words that count CPUs, as the spec carries them to the daemon: their
// canonical form, PM2's rule for the count, the check and the JSON key.
#include <doctest/doctest.h>

#include "common/app_spec.h"
#include "common/errors.h"

using namespace tend;

TEST_CASE("per-cpu words: max and 0 are every CPU and -N leaves N free") {
    CHECK(per_cpu_word("max") == "max");
    CHECK(per_cpu_word("0") == "max");
    CHECK(per_cpu_word("000") == "max");  // found by size_duration_fuzz: it parsed as 0 instances
    CHECK(per_cpu_word("-0") == "max");
    CHECK(per_cpu_word("-1") == "-1");
    CHECK(per_cpu_word("-007") == "-7");
    CHECK_FALSE(per_cpu_word("3"));
    CHECK_FALSE(per_cpu_word("-"));
    CHECK_FALSE(per_cpu_word("-x"));
    CHECK_FALSE(per_cpu_word("MAX"));
    CHECK_FALSE(per_cpu_word(""));
    CHECK_FALSE(per_cpu_word("-99999999999999999999"));
}

TEST_CASE("per-cpu words: PM2's count is at least 1 and at most kMaxAppInstances") {
    CHECK(instances_for_cpus("max", 8) == 8);
    CHECK(instances_for_cpus("-1", 8) == 7);
    CHECK(instances_for_cpus("-1", 1) == 1);
    CHECK(instances_for_cpus("-2", 8) == 6);
    CHECK(instances_for_cpus("-8", 8) == 1);
    CHECK(instances_for_cpus("-100", 8) == 1);
    CHECK(instances_for_cpus("max", 0) == 1);
    CHECK(instances_for_cpus("max", 5000) == kMaxAppInstances);
    CHECK(instances_for_cpus("-9223372036854775807", 8) == 1);
}

TEST_CASE("per-cpu words: the spec resolves and checks its word and writes it only when set") {
    AppSpec spec;
    spec.name = "api";
    spec.script = "/bin/true";
    CHECK_FALSE(json(spec).contains("instances_per_cpu"));
    spec.instances_per_cpu = "-1";
    resolve_instances_per_cpu(spec, 4);
    CHECK(spec.instances == 3);
    json j = spec;
    CHECK(j["instances_per_cpu"] == "-1");
    CHECK(j.get<AppSpec>().instances_per_cpu == "-1");
    validate(spec);
    spec.instances_per_cpu = "0";  // PM2's other spelling, from a client other than tend's
    validate(spec);
    resolve_instances_per_cpu(spec, 4);
    CHECK(spec.instances == 4);
    spec.instances_per_cpu = "lots";
    CHECK_THROWS_WITH_AS(validate(spec), "instances_per_cpu must be 'max', 0 or -N, not 'lots'",
                         TendError);
    j["instances_per_cpu"] = 2;
    CHECK_THROWS_WITH_AS(j.get<AppSpec>(), "'instances_per_cpu' must be a string, not number",
                         TendError);
}
