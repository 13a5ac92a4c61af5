// tend-runtime's own flags, and the words it leaves to `tend start`.
#include "daemon/runtime/runtime_args.h"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace tend;

using Words = std::vector<std::string>;

TEST_CASE("runtime args: its flags anywhere before -- and the rest for tend start") {
    RuntimeArgs a = parse_runtime_args({"app.js", "--json", "-i", "max", "--no-auto-exit"});
    CHECK(a.json);
    CHECK_FALSE(a.auto_exit);
    CHECK(a.start_words == Words{"app.js", "-i", "max"});
    RuntimeArgs b = parse_runtime_args({"start", "ecosystem.config.js", "--env", "production"});
    CHECK(b.json == false);
    CHECK(b.auto_exit);
    CHECK(b.start_words == Words{"ecosystem.config.js", "--env", "production"});
    RuntimeArgs c = parse_runtime_args({"app.sh", "--", "--json", "start"});
    CHECK_FALSE(c.json);
    CHECK(c.start_words == Words{"app.sh", "--", "--json", "start"});
}

TEST_CASE("runtime args: help and version need no app and a missing app is an error") {
    CHECK(parse_runtime_args({"--help"}).help);
    CHECK(parse_runtime_args({"--version"}).version);
    CHECK_THROWS_AS(parse_runtime_args({}), std::invalid_argument);
    CHECK_THROWS_AS(parse_runtime_args({"--json"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_runtime_args({"-i", "2"}), std::invalid_argument);
    CHECK_THROWS_AS(parse_runtime_args({"start"}), std::invalid_argument);
    CHECK(runtime_usage().find("tend-runtime") != std::string::npos);
}
