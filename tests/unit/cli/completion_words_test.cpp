// Completion candidates read from the command table and the commands' CLI11
// options: what each kind of argument offers, and where option values go.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli/completion/completion_words.h"

using namespace tend;
using Kind = ArgumentCompletion::Kind;

namespace {

bool contains(const std::vector<std::string>& words, const std::string& word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

TEST_CASE("command candidates are the sorted command names without aliases") {
    auto names = command_candidates();
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(contains(names, "restart"));
    CHECK(contains(names, "reload"));
    CHECK(contains(names, "startup"));
    CHECK_FALSE(contains(names, "ls"));
    CHECK_FALSE(contains(names, "__complete"));
}

TEST_CASE("flag candidates are a command's option spellings") {
    auto flags = flag_candidates("start");
    CHECK(contains(flags, "--name"));
    CHECK(contains(flags, "-i"));
    CHECK(contains(flags, "--instances"));
    CHECK(contains(flags, "--help"));
    CHECK(flag_candidates("nope").empty());
}

TEST_CASE("arguments complete by their type: targets, files, commands, shells") {
    CHECK(argument_completion("logs", {}).kind == Kind::kTargets);
    CHECK(argument_completion("restart", {"api"}).kind == Kind::kTargets);
    CHECK(argument_completion("start", {}).kind == Kind::kFiles);
    CHECK(argument_completion("help", {}).words == command_candidates());
    CHECK(argument_completion("completion", {}).words ==
          std::vector<std::string>{"bash", "fish", "zsh"});
    CHECK(argument_completion("startup", {}).words == std::vector<std::string>{"systemd"});
    CHECK(argument_completion("export", {}).words ==
          std::vector<std::string>{"compose", "kubernetes", "systemd"});
    CHECK(argument_completion("export", {"systemd"}).kind == Kind::kFiles);
    CHECK(argument_completion("export", {"systemd", "-o"}).kind == Kind::kFiles);
    CHECK(argument_completion("scale", {}).kind == Kind::kTargets);
    CHECK(argument_completion("scale", {"api"}).kind == Kind::kNone);
    CHECK(argument_completion("nope", {}).kind == Kind::kNone);
}

TEST_CASE("an option's value completes by the option's type, then positionals resume") {
    CHECK(argument_completion("start", {"--cwd"}).kind == Kind::kFiles);
    CHECK(argument_completion("start", {"--name"}).kind == Kind::kNone);
    CHECK(argument_completion("logs", {"--lines"}).kind == Kind::kNone);
    CHECK(argument_completion("send", {"--instance", "2"}).kind == Kind::kTargets);
    CHECK(argument_completion("send", {"api"}).kind == Kind::kNone);
    CHECK(argument_completion("start", {"app.js", "--", "x"}).kind == Kind::kFiles);
}
