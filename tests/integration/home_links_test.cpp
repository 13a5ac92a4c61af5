// Files tend creates in its home are opened following no link: a link
// planted at a log file, a directory on the way to one, tendd.pid, dump.json
// or its temp file is refused with an error naming the path, and the file
// it points to (outside the home) is left as it was.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace tend::it {

namespace {

const std::string kVictimText = "precious, not tend's\n";

// A file outside the home that a planted link points to.
std::string planted_victim(const TendHome& t) {
    std::string path = t.scratch("outside") + "/victim";
    std::ofstream(path) << kVictimText;
    return path;
}

void plant_link(const std::string& target, const std::string& link) {
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
}

}  // namespace

TEST_CASE("a link planted at an app's log file in the home fails its start, not the daemon") {
    TendHome t;
    std::string target = planted_victim(t);
    plant_link(target, t.home() + "/logs/app-out-0.log");
    Result r = t.run(start_fixture("app", {}, {"lines", "3"}));
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "app-out-0.log"));
    CHECK(contains(r.err, "symbolic link"));
    CHECK(read_file(target) == kVictimText);
    t.run_ok({"list"});
}

TEST_CASE("a link planted at a directory on the way to a log file in the home is not followed") {
    TendHome t;
    std::string outside = t.scratch("outside-dir");
    plant_link(outside, t.home() + "/logs/sub");
    Result r =
        t.run(start_fixture("app", {"--output", t.home() + "/logs/sub/out.log"}, {"lines", "3"}));
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, t.home() + "/logs/sub'"));
    CHECK(contains(r.err, "symbolic link"));
    CHECK(std::filesystem::is_empty(outside));
    t.run_ok({"list"});
}

TEST_CASE("tendd refuses a tendd.pid that is a link, in one line, and leaves its target alone") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    std::string target = planted_victim(t);
    plant_link(target, t.home() + "/tendd.pid");
    Result r = t.run_program({TENDD_BIN, "--foreground"}, 10s);
    CHECK(r.exit_code > 0);
    CHECK(contains(r.err, "tendd.pid"));
    CHECK(contains(r.err, "symbolic link"));
    CHECK(split_lines(r.err).size() == 1);
    CHECK(read_file(target) == kVictimText);
}

TEST_CASE("tend save refuses a dump.json.tmp or a dump.json that is a link, naming it") {
    TendHome t;
    t.run_ok(start_fixture("app", {}, {"sleep"}));
    std::string target = planted_victim(t);
    SUBCASE("the temp file") {
        plant_link(target, t.home() + "/dump.json.tmp");
        Result r = t.run({"save"});
        CHECK(r.exit_code != 0);
        CHECK(contains(r.err, "dump.json.tmp"));
        CHECK(contains(r.err, "symbolic link"));
    }
    SUBCASE("the dump itself, for save and resurrect") {
        plant_link(target, t.home() + "/dump.json");
        Result r = t.run({"save"});
        CHECK(r.exit_code != 0);
        CHECK(contains(r.err, "dump.json"));
        CHECK(contains(r.err, "symbolic link"));
        Result back = t.run({"resurrect"});
        CHECK(back.exit_code != 0);
        CHECK(contains(back.err, "symbolic link"));
        CHECK(!std::filesystem::exists(t.home() + "/dump.json.bak"));
    }
    CHECK(read_file(target) == kVictimText);
    t.run_ok({"list"});
}

}  // namespace tend::it
