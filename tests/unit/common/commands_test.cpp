// The command registry: sorted unique names, every request a row of its own
// name, and a command that sends another's request agreeing with it.
#include <doctest/doctest.h>

#include "common/commands.h"

using namespace tend;

TEST_CASE("the registry is sorted by name, each name once") {
    for (std::size_t i = 1; i < kCommandRegistry.size(); ++i)
        CHECK(kCommandRegistry[i - 1].name < kCommandRegistry[i].name);
}

TEST_CASE("a request is the row of its own name, and a command sending it agrees on mutates") {
    for (const auto& info : kCommandRegistry) {
        CAPTURE(info.name);
        if (info.request.empty()) {
            CHECK_FALSE(info.starts_daemon);
            CHECK_FALSE(info.mutates);
            continue;
        }
        const CommandInfo* request = find_registered(info.request);
        REQUIRE(request != nullptr);
        CHECK(is_request(*request));
        CHECK(request->mutates == info.mutates);
    }
}

TEST_CASE("rows are found by name, and registered() is the same row at compile time") {
    static_assert(registered("jlist")->request == cmd::kList);
    static_assert(registered(cmd::kStart)->mutates);
    static_assert(!registered(cmd::kPing)->starts_daemon);
    CHECK(find_registered("jlist") == registered("jlist"));
    CHECK(find_registered("strat") == nullptr);
    CHECK(is_request(*find_registered("list")));
    CHECK_FALSE(is_request(*find_registered("jlist")));
    CHECK_FALSE(is_request(*find_registered("help")));
}
