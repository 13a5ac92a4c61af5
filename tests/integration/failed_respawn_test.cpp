// restart, reload and scale that cannot bring an instance up: the app's
// program was deleted (or broken) after the start. Each still prints its
// line and the table, then names the instances on one error line, exit 1.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

namespace fs = std::filesystem;

// A copy of the fixture the test may delete or overwrite; the app runs it.
std::string copy_fixture(const TendHome& t) {
    std::string path = t.scratch("bin") + "/app";
    fs::copy_file(FIXTURE_BIN, path, fs::copy_options::overwrite_existing);
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

// Starts api from program and waits for its instances to be online.
json start_api(TendHome& t, const std::string& program, std::vector<std::string> options) {
    std::vector<std::string> args{"start", program, "--name", "api", "--interpreter", "none"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "sleep"});
    t.run_ok(args);
    return t.wait_for(
        "api", [](const json& insts) { return all_status(insts, "online"); }, "api online");
}

// The label the error line gives an instance: "api:0 (id 0)".
std::string label(const json& inst) {
    return inst.value("name", "") + ":" + std::to_string(inst.value("instance", -1)) + " (id " +
           std::to_string(inst.value("id", -1)) + ")";
}

void check_failed(const Result& r, const std::string& line, const std::string& error) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, line));
    CHECK(contains(r.out, "api"));  // the table still printed
    CHECK(r.err == "tend: error: " + error + "\n");
}

}  // namespace

TEST_CASE("restart of an app whose program was deleted reports it errored and exits 1") {
    TendHome t;
    std::string program = copy_fixture(t);
    json before = start_api(t, program, {});
    fs::remove(program);

    Result r = t.run({"restart", "api"});
    check_failed(r, "[tend] restarted 1 instance(s)", "1 instance(s) errored: " + label(before[0]));
    CHECK(t.instances("api")[0]["status"] == "errored");
}

TEST_CASE("reload of an app whose program was deleted reports the old process serving on") {
    TendHome t;
    std::string program = copy_fixture(t);
    json before = start_api(t, program, {"-i", "2"});
    fs::remove(program);

    Result r = t.run({"reload", "api"});
    check_failed(r, "[tend] reloaded 2 instance(s)",
                 "2 instance(s) not reloaded, the old process serves on: " + label(before[0]) +
                     ", " + label(before[1]));
    json after = t.instances("api");
    for (std::size_t k = 0; k < 2; ++k) {
        CHECK(after[k]["status"] == "online");
        CHECK(after[k]["pid"] == before[k]["pid"]);
    }
}

TEST_CASE("reload whose replacement dies before it is ready reports the old process serving on") {
    TendHome t;
    std::string program = copy_fixture(t);
    // The fixture never says ready: it is online after the listen timeout,
    // which leaves the broken replacement ample time to die before that.
    json before = start_api(t, program, {"--wait-ready", "--listen-timeout", "2000"});
    // The new version of the program fails at once, as a broken deploy would.
    fs::remove(program);
    std::ofstream(program) << "#!/bin/sh\nexit 1\n";
    fs::permissions(program, fs::perms::owner_all);

    Result r = t.run({"reload", "api"});
    check_failed(r, "[tend] reloaded 1 instance(s)",
                 "1 instance(s) not reloaded, the old process serves on: " + label(before[0]));
    CHECK(t.instances("api")[0]["pid"] == before[0]["pid"]);
}

TEST_CASE("scale up of an app whose program was deleted reports the new instances errored") {
    TendHome t;
    std::string program = copy_fixture(t);
    start_api(t, program, {});
    fs::remove(program);

    Result r = t.run({"scale", "api", "3"});
    json after = t.instances("api");
    REQUIRE(after.size() == 3);
    check_failed(r, "[tend] scaled 'api' to 3 instance(s)",
                 "2 instance(s) errored: " + label(after[1]) + ", " + label(after[2]));
    CHECK(after[0]["status"] == "online");
}

TEST_CASE("restart, reload and scale that bring every instance up exit 0") {
    TendHome t;
    std::string program = copy_fixture(t);
    start_api(t, program, {});
    t.run_ok({"restart", "api"});
    t.run_ok({"reload", "api"});
    t.run_ok({"scale", "api", "+1"});
    t.wait_for(
        "api", [](const json& insts) { return insts.size() == 2 && all_status(insts, "online"); },
        "2 instances of api online");
}
