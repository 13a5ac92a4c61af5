// A home nobody else can touch: tend refuses an existing TEND_HOME that is
// not a directory of the effective user writable by nobody else, before it
// writes anything there or talks to a socket in it.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

namespace tend::it {

TEST_CASE("a TEND_HOME others may write to is refused, and nothing is written in it") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    REQUIRE(::chmod(t.home().c_str(), 0777) == 0);
    Result r = t.run({"list"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "refusing TEND_HOME"));
    CHECK(contains(r.err, "0777"));
    CHECK(std::filesystem::is_empty(t.home()));
    Result d = t.run_program({TENDD_BIN, "--foreground"}, 10s);
    CHECK(d.exit_code != 0);
    CHECK(contains(d.err, "refusing TEND_HOME"));
    CHECK(std::filesystem::is_empty(t.home()));
}

TEST_CASE("a TEND_HOME that is a symbolic link is refused") {
    TendHome t(TendHome::Options::without_daemon());
    std::string real = t.scratch("real");
    REQUIRE(::symlink(real.c_str(), t.home().c_str()) == 0);
    Result r = t.run({"list"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "symbolic link"));
    CHECK(std::filesystem::is_empty(real));
}

}  // namespace tend::it
