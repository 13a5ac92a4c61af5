// The error line of a restart, reload or scale that could not bring every
// instance up: exact text, one line, nothing when all came up.
#include <doctest/doctest.h>

#include "cli/render/action_failures.h"

using namespace tend;

namespace {

InstanceInfo instance(int id, const std::string& name, int index) {
    InstanceInfo info;
    info.id = id;
    info.name = name;
    info.instance = index;
    return info;
}

}  // namespace

TEST_CASE("an action that brought every instance up has nothing to report") {
    CHECK(action_failures(ActionResult{{instance(0, "api", 0)}, {}, {}}).empty());
}

TEST_CASE("errored and not-replaced instances are named by app, index and id") {
    ActionResult result{{instance(4, "api", 0), instance(7, "api", 1)}, {7}, {}};
    CHECK(action_failures(result) == "1 instance(s) errored: api:1 (id 7)");
    result.errored = {4, 7};
    CHECK(action_failures(result) == "2 instance(s) errored: api:0 (id 4), api:1 (id 7)");
    result.errored = {};
    result.not_replaced = {4};
    CHECK(action_failures(result) ==
          "1 instance(s) not reloaded, the old process serves on: api:0 (id 4)");
}

TEST_CASE("both failures share one line, and an id the reply does not describe is named alone") {
    ActionResult result{{instance(4, "api", 0)}, {9}, {4}};
    CHECK(action_failures(result) ==
          "1 instance(s) errored: (id 9); "
          "1 instance(s) not reloaded, the old process serves on: api:0 (id 4)");
}
