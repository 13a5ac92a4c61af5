// append_instance_json writes what dump_json(json(info)) writes: the same
// keys in the same order, so `list`'s text replies read as they always have.
#include <doctest/doctest.h>

#include <cmath>

#include "common/instance_info.h"
#include "common/json_text.h"

namespace tend {
namespace {

InstanceInfo text_sample_info() {
    InstanceInfo i;
    i.id = 7;
    i.name = "api";
    i.ns = "web";
    i.instance = 2;
    i.mode = "cluster";
    i.pid = 4242;
    i.status = InstanceState::kOnline;
    i.restarts = 3;
    i.unstable_restarts = 1;
    i.created_at = 1700000000123;
    i.started_at = 1700000000456;
    i.uptime_ms = 98765;
    i.cpu = 12.5;
    i.memory = 52428800;
    i.out_log = "/home/u/.tend/logs/api-out.log";
    i.err_log = "/home/u/.tend/logs/api-error.log";
    i.ready = true;
    return i;
}

std::string instance_text(const InstanceInfo& info) {
    std::string out;
    append_instance_json(out, info);
    return out;
}

}  // namespace

TEST_CASE("append_instance_json: a plain instance is dump_json's text") {
    InstanceInfo info = text_sample_info();
    CHECK(instance_text(info) == dump_json(json(info)));
}

TEST_CASE("append_instance_json: optional fields, nulls and a stopped instance") {
    InstanceInfo info = text_sample_info();
    info.status = InstanceState::kErrored;
    info.pid = 0;
    info.cpu = 0;
    info.exit_code = 3;
    info.exit_signal = "SIGKILL";
    info.health = "unhealthy";
    info.restart_reason = "exit_code";
    info.restart_reason_detail = "exit code 3";
    info.watch_status = "watching 12 directories";
    info.next_run_at = 1700000060000;
    CHECK(instance_text(info) == dump_json(json(info)));
}

TEST_CASE("append_instance_json: histories and a spec") {
    InstanceInfo info = text_sample_info();
    info.cpu_history = {0.0, 1.5, 100.0, 3.25};
    info.memory_history = {1024, 2048, 0};
    AppSpec spec;
    spec.name = "api";
    spec.script = "/srv/api.js";
    info.spec = spec;
    CHECK(instance_text(info) == dump_json(json(info)));
}

TEST_CASE("append_instance_json: strings needing escapes and bad UTF-8") {
    InstanceInfo info = text_sample_info();
    info.name = "quote\" back\\slash \ttab é";
    info.out_log = std::string("/logs/\xff\xfe-out.log\x01");
    std::string text = instance_text(info);
    CHECK(text == dump_json(json(info)));
    CHECK(json::parse(text).at("name") == info.name);
}

TEST_CASE("append_json_number: doubles read back as the same doubles") {
    for (double value : {0.0, 1.0, 0.1, 33.333333333333336, 1e-7, 123456789.25, 1e300}) {
        std::string text;
        append_json_number(text, value);
        json back = json::parse(text);
        CHECK(back.is_number_float());
        CHECK(back.get<double>() == value);
    }
    std::string nan;
    append_json_number(nan, std::nan(""));
    CHECK(nan == "null");
}

}  // namespace tend

namespace tend {

TEST_CASE("read_brief_instances reads the table's fields of brief and full objects") {
    InstanceInfo a = text_sample_info();
    a.health = "unknown";
    a.ready = false;
    InstanceInfo b = text_sample_info();
    b.id = 8;
    b.name = "w\u00e9b \"x\"";
    b.status = InstanceState::kWaitingRestart;
    b.cpu_history = {1.0, 2.0};
    b.memory_history = {10, 20};
    AppSpec spec;
    spec.name = "not-this-name";
    spec.script = "/srv/w.js";
    b.spec = spec;  // nested keys, such as the spec's "name", are not the instance's
    std::string text = "{\"instances\":[";
    append_instance_brief_json(text, a);
    text += ',';
    append_instance_json(text, b);
    text += "]}";
    auto read = read_brief_instances(text);
    REQUIRE(read.has_value());
    REQUIRE(read->size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
        const InstanceInfo& want = k == 0 ? a : b;
        const InstanceInfo& got = (*read)[k];
        CHECK(got.id == want.id);
        CHECK(got.name == want.name);
        CHECK(got.ns == want.ns);
        CHECK(got.instance == want.instance);
        CHECK(got.mode == want.mode);
        CHECK(got.pid == want.pid);
        CHECK(got.status == want.status);
        CHECK(got.restarts == want.restarts);
        CHECK(got.uptime_ms == want.uptime_ms);
        CHECK(got.cpu == want.cpu);
        CHECK(got.memory == want.memory);
        CHECK(got.ready == want.ready);
        CHECK(got.health == want.health);
    }
    CHECK((*read)[0].out_log.empty());  // not a brief field
}

TEST_CASE("read_brief_instances: no instances, and text that is not JSON") {
    auto empty = read_brief_instances(R"({"instances":[]})");
    REQUIRE(empty.has_value());
    CHECK(empty->empty());
    CHECK_FALSE(read_brief_instances(R"({"instances":[{"id":1,)").has_value());
    CHECK_FALSE(read_brief_instances("").has_value());
}

}  // namespace tend

namespace tend {

TEST_CASE("the brief form is one array per instance, the table's thirteen fields") {
    InstanceInfo info = text_sample_info();
    std::string text;
    append_instance_brief_json(text, info);
    json brief = json::parse(text);
    REQUIRE(brief.is_array());
    CHECK(brief.size() == 13);
    CHECK(brief[0] == 7);
    CHECK(brief[1] == "api");
    CHECK(brief[6] == "online");
    CHECK(brief[12].is_null());  // no probe: no health
}

}  // namespace tend
