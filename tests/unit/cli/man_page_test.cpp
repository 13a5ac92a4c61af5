// packaging/tend.1 is written by hand: every command of the table must have
// its entry there, so a new command cannot ship without one.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "cli/command_table.h"

TEST_CASE("the man page has an entry for every command of the command table") {
    std::ifstream in(std::string(TEND_SOURCE_DIR) + "/packaging/tend.1");
    std::stringstream page;
    page << in.rdbuf();
    REQUIRE_FALSE(page.str().empty());
    for (const auto& spec : tend::command_table()) {
        std::string name(spec.name());
        bool listed = page.str().find("\n.B " + name + "\n") != std::string::npos ||
                      page.str().find("\n.BI \"" + name + " ") != std::string::npos;
        CHECK_MESSAGE(listed, "packaging/tend.1 has no entry for 'tend " << name << "'");
    }
}
