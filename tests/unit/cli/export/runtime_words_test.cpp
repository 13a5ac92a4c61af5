// The words the exporters put after `tend-runtime` are `tend start`'s
// (daemon/runtime/runtime_args.cpp hands them on): the start command's own
// CLI11 parser must take every one of them.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli/command_table.h"
#include "cli/export/container_command.h"
#include "export_test_apps.h"

using namespace tend;

namespace {

// Parses words as `tend start` does, up to a `--`; returns the words it
// did not take (which `tend start` refuses), throws CLI::ParseError.
std::vector<std::string> runtime_words_parse(std::vector<std::string> words) {
    words.erase(std::find(words.begin(), words.end(), "--"), words.end());
    CommandApp start = build_command_app(*find_command("start"));
    std::reverse(words.begin(), words.end());  // CLI11 parses a reversed vector
    start.app->parse(std::move(words));
    return start.app->remaining();
}

}  // namespace

TEST_CASE("tend start's parser takes every word an exported container passes to tend-runtime") {
    std::vector<AppSpec> apps = test::rich_export_apps();
    AppSpec every = apps[0];  // and every option container_command can write
    every.interpreter = "node";
    every.exec_mode = "cluster";
    every.restart.min_uptime_ms = 500;
    every.restart.restart_delay_ms = 100;
    every.restart.exp_backoff_restart_delay_ms = 200;
    every.listen.listen_timeout_ms = 9000;
    every.vars.instance_var = "INDEX";
    every.schedule.timezone = "Europe/Paris";
    apps.push_back(every);
    for (const AppSpec& spec : apps) {
        std::vector<std::string> argv = container_command(spec, false);
        REQUIRE(argv.front() == "tend-runtime");
        CAPTURE(spec.name);
        CHECK(runtime_words_parse({argv.begin() + 1, argv.end()}).empty());
    }
    CHECK(runtime_words_parse({"/srv/a.js", "--no-such-option"}) ==
          std::vector<std::string>{"--no-such-option"});
    CHECK_THROWS_AS(runtime_words_parse({"/srv/a.js", "--max-restarts"}), CLI::ParseError);
}
