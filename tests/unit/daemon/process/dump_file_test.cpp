// dump.json: a save reads back the same specs, and every kind of damage
// (truncation, other formats, bad apps) is refused with its reason.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "daemon/process/dump_file.h"

using namespace tend;

namespace {

AppSpec sample_spec(const std::string& name, int instances) {
    AppSpec spec;
    spec.name = name;
    spec.script = "/srv/" + name + "/server.js";
    spec.cwd = "/srv/" + name;
    spec.args = {"--port", "3000"};
    spec.instances = instances;
    spec.env = {{"NODE_ENV", "production"}};
    spec.base_env = {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}};
    spec.restart.max_memory_bytes = 200 << 20;
    spec.restart.stop_exit_codes = {0, 3};
    spec.listen.port = 8080;
    spec.logs.merge_logs = true;
    return spec;
}

std::string dump_error_of(std::string_view text) {
    try {
        parse_dump(text);
    } catch (const DumpError& e) {
        return e.what();
    }
    return "(no DumpError)";
}

}  // namespace

TEST_CASE("a dump reads back the same apps in order, with instances, options and environment") {
    std::string text = encode_dump({sample_spec("api", 4), sample_spec("worker", 1)});
    auto specs = parse_dump(text);
    REQUIRE(specs.size() == 2);
    CHECK(specs[0].name == "api");
    CHECK(specs[0].instances == 4);
    CHECK(specs[0].args == std::vector<std::string>{"--port", "3000"});
    CHECK(specs[0].env.at("NODE_ENV") == "production");
    CHECK(specs[0].base_env.at("HOME") == "/home/u");
    CHECK(specs[0].restart.max_memory_bytes == 200 << 20);
    CHECK(specs[0].restart.stop_exit_codes == std::vector<int>{0, 3});
    CHECK(specs[0].listen.port == 8080);
    CHECK(specs[0].logs.merge_logs);
    CHECK(specs[1].name == "worker");
    CHECK(json::parse(text)["format"] == kDumpFormat);
}

TEST_CASE("an empty dump holds no apps") {
    CHECK(parse_dump(encode_dump({})).empty());
}

TEST_CASE("a truncated dump is refused as not valid JSON") {
    std::string text = encode_dump({sample_spec("api", 2)});
    CHECK(dump_error_of(text.substr(0, text.size() / 2)) == "not valid JSON");
    CHECK(dump_error_of("") == "not valid JSON");
}

TEST_CASE("a dump without the format version, or of another one, is refused") {
    CHECK(dump_error_of(R"({"apps":[]})") == "no format version");
    CHECK(dump_error_of(R"({"format":2,"apps":[]})") == "format 2, this tend reads format 1");
    CHECK(dump_error_of(R"([1,2])") == "not a JSON object");
    CHECK(dump_error_of(R"({"format":1})") == "no 'apps' array");
}

TEST_CASE("a dump whose app has a wrong type or an invalid value names the app and the key") {
    CHECK(dump_error_of(R"({"format":1,"apps":[{"name":"a","script":"/x","instances":"two"}]})") ==
          "apps[0]: 'instances' must be an integer, not string");
    CHECK(dump_error_of(R"({"format":1,"apps":[{"name":"a","script":""}]})") ==
          "apps[0]: a script is required");
}

TEST_CASE("save keeps the previous dump as .bak, but never a corrupt one over a good .bak") {
    char dir_template[] = "/tmp/tend-dump-test-XXXXXX";
    REQUIRE(mkdtemp(dir_template) != nullptr);
    std::string path = std::string(dir_template) + "/dump.json";

    save_dump(path, {sample_spec("first", 1)});
    save_dump(path, {sample_spec("second", 2)});
    CHECK(load_dump(path).at(0).name == "second");
    CHECK(load_dump(path + ".bak").at(0).name == "first");

    write_file_atomic(path, "{\"format\":1,\"apps\":[");  // as if cut short by hand
    CHECK_THROWS_AS(load_dump(path), DumpError);
    save_dump(path, {sample_spec("third", 3)});
    CHECK(load_dump(path).at(0).name == "third");
    CHECK(load_dump(path + ".bak").at(0).name == "first");

    std::filesystem::remove_all(dir_template);
}

TEST_CASE("loading a dump that does not exist says to save first") {
    try {
        load_dump("/nonexistent/dump.json");
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(e.code() == ErrorCode::kNotFound);
        CHECK(std::string(e.what()) ==
              "no dump at '/nonexistent/dump.json': run 'tend save' first");
    }
}
