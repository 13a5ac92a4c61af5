// The dispatcher's table against the command registry: every request the
// registry names has exactly one handler, and no handler serves anything else.
#include <doctest/doctest.h>

#include <map>

#include "daemon/control/dispatcher.h"

using namespace tend;

TEST_CASE("every request of the registry has exactly one handler, and nothing else has one") {
    std::map<std::string_view, int> handlers;
    auto table = handler_table();
    for (std::size_t i = 0; i < table.size(); ++i) {
        CAPTURE(table[i].command->name);
        CHECK_UNARY(table[i].handler != nullptr);
        CHECK(is_request(*table[i].command));
        CHECK(table[i].command == find_registered(table[i].command->name));
        if (i > 0) CHECK(table[i - 1].command->name < table[i].command->name);
        handlers[table[i].command->name]++;
    }
    for (const auto& info : kCommandRegistry) {
        if (!is_request(info)) continue;
        CAPTURE(info.name);
        CHECK(handlers[info.name] == 1);
    }
}
