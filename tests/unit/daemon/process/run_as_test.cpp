// uid / gid by name or number: the user database's answers, and the errors
// for unknown names and for a daemon that is not root.
#include <doctest/doctest.h>

#include "common/errors.h"
#include "daemon/process/run_as.h"

using namespace tend;

namespace {

std::string run_as_error(const RunAs& run_as, uid_t daemon_uid) {
    try {
        resolve_run_as(run_as, daemon_uid);
    } catch (const TendError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("run as: nothing asked, nothing to switch, whoever the daemon is") {
    CHECK_FALSE(resolve_run_as(RunAs{}, 0).has_value());
    CHECK_FALSE(resolve_run_as(RunAs{}, 1000).has_value());
}

TEST_CASE("run as: a user by name or number gets its primary group") {
    auto by_name = resolve_run_as(RunAs{"nobody", ""}, 0);
    REQUIRE(by_name.has_value());
    CHECK(by_name->uid == 65534);
    CHECK(by_name->gid == 65534);
    auto by_number = resolve_run_as(RunAs{"65534", ""}, 0);
    REQUIRE(by_number.has_value());
    CHECK(by_number->uid == 65534);
    CHECK(by_number->gid == 65534);
}

TEST_CASE("run as: a gid given wins, and a gid alone keeps the daemon's user") {
    auto both = resolve_run_as(RunAs{"nobody", "root"}, 0);
    REQUIRE(both.has_value());
    CHECK(both->uid == 65534);
    CHECK(both->gid == 0);
    auto group_only = resolve_run_as(RunAs{"", "4242"}, 0);
    REQUIRE(group_only.has_value());
    CHECK(group_only->uid == 0);
    CHECK(group_only->gid == 4242);
}

TEST_CASE("run as: unknown names, and a daemon that is not root, are clear errors") {
    CHECK(run_as_error(RunAs{"no-such-user-tend", ""}, 0) ==
          "unknown user 'no-such-user-tend' (uid)");
    CHECK(run_as_error(RunAs{"nobody", "no-such-group-tend"}, 0) ==
          "unknown group 'no-such-group-tend' (gid)");
    CHECK(run_as_error(RunAs{"4242", ""}, 0) ==
          "uid 4242 has no entry in the user database: give a gid too");
    CHECK(run_as_error(RunAs{"nobody", ""}, 1000) ==
          "uid/gid need the daemon to run as root, and tendd runs as uid 1000: start the app "
          "without --uid/--gid");
    CHECK(run_as_error(RunAs{"", "nogroup"}, 1000) ==
          "uid/gid need the daemon to run as root, and tendd runs as uid 1000: start the app "
          "without --uid/--gid");
}
