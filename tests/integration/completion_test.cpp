// Bash completion as a shell runs it: completions/tend.bash is sourced in a
// clean bash, the function `complete -p tend` names is called with
// COMP_WORDS/COMP_CWORD set, and COMPREPLY is what <TAB> would offer.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "harness.h"

using namespace tend::it;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    return split_lines(text);
}

bool offers(const std::vector<std::string>& words, const std::string& word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// What bash offers for the command line `words` (the last one being typed).
std::vector<std::string> complete(const TendHome& t, const std::vector<std::string>& words) {
    std::string script = "source '" + std::string(TEND_SOURCE_DIR) +
                         "/completions/tend.bash'\n"
                         "COMP_WORDS=('" TEND_BIN "'";
    for (std::size_t i = 1; i < words.size(); ++i) script += " '" + words[i] + "'";
    script += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
              "\nCOMP_LINE=\"${COMP_WORDS[*]}\"\nCOMP_POINT=${#COMP_LINE}\n"
              "spec=$(complete -p tend)\nfn=${spec#*-F }\nfn=${fn%% *}\n"
              "\"$fn\" tend \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
              "if ((${#COMPREPLY[@]})); then printf '%s\\n' \"${COMPREPLY[@]}\"; fi\n";
    Result r = t.run_program({"/bin/bash", "--norc", "--noprofile", "-c", script});
    INFO("bash: " << r.err);
    REQUIRE(r.exit_code == 0);
    return lines_of(r.out);
}

// The words that start with prefix: what a shell keeps of the candidates.
std::vector<std::string> starting_with(const std::vector<std::string>& words,
                                       const std::string& prefix) {
    std::vector<std::string> kept;
    for (const auto& w : words)
        if (w.starts_with(prefix)) kept.push_back(w);
    return kept;
}

// What zsh's _tend offers, with compadd and _files stubbed to print their
// words (they work only inside the line editor); filtered by the typed prefix.
std::vector<std::string> complete_zsh(const TendHome& t, const std::vector<std::string>& words) {
    std::string script =
        "compdef() { :; }\n"
        "compadd() { [[ $1 == -a ]] && print -l -- ${(P)2}; }\n"
        "_files() { print -- ::files; }\n"
        "source '" +
        std::string(TEND_SOURCE_DIR) + "/completions/_tend'\nwords=('" TEND_BIN "'";
    for (std::size_t i = 1; i < words.size(); ++i) script += " '" + words[i] + "'";
    script +=
        ")\nCURRENT=" + std::to_string(words.size()) + "\nPREFIX='" + words.back() + "'\n_tend\n";
    Result r = t.run_program({"/usr/bin/zsh", "-f", "-c", script});
    INFO("zsh: " << r.err);
    CHECK(r.err.empty());
    return starting_with(lines_of(r.out), words.back());
}

// What fish offers for the command line (`complete -C`), tend found in PATH.
std::vector<std::string> complete_fish(const TendHome& t, const std::string& line) {
    std::string bin = std::filesystem::path(TEND_BIN).parent_path().string();
    std::string script = "source '" + std::string(TEND_SOURCE_DIR) +
                         "/completions/tend.fish'; complete -C '" + line + "'";
    Result r = run_command({{"/usr/bin/fish", "--no-config", "-c", script},
                            {"TEND_HOME=" + t.home(), "PATH=" + bin + ":/usr/bin:/bin"},
                            ""},
                           20s);
    INFO("fish: " << r.err);
    CHECK(r.exit_code == 0);
    return lines_of(r.out);
}

bool installed(const std::string& shell) {
    if (std::filesystem::exists(shell)) return true;
    MESSAGE(shell << " is not installed: its completion is not tested");
    return false;
}

}  // namespace

TEST_CASE("tend re<TAB> offers every command starting with re, restart and reload among them") {
    TendHome t{TendHome::Options::without_daemon()};
    auto offered = complete(t, {"tend", "re"});
    CHECK(offers(offered, "restart"));
    CHECK(offers(offered, "reload"));
    // resurrect too, once the command table has it.
    for (const auto& name : lines_of(t.run_ok({"__complete", "commands"}).out))
        if (name.starts_with("re")) CHECK_MESSAGE(offers(offered, name), name);
    for (const auto& word : offered) CHECK(word.starts_with("re"));
}

TEST_CASE("tend logs <TAB> offers the running apps by name and id") {
    TendHome t;
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    t.run_ok(start_fixture("worker", {}, {"sleep"}));
    json api = t.wait_for(
        "api", [](const json& i) { return all_status(i, "online"); }, "api online");
    auto offered = complete(t, {"tend", "logs", ""});
    CHECK(offers(offered, "api"));
    CHECK(offers(offered, "worker"));
    CHECK(offers(offered, std::to_string(api[0]["id"].get<int>())));
    CHECK(complete(t, {"tend", "restart", "w"}) == std::vector<std::string>{"worker"});
}

TEST_CASE("flags and fixed words complete from the CLI's own options") {
    TendHome t{TendHome::Options::without_daemon()};
    auto flags = complete(t, {"tend", "logs", "--no"});
    CHECK(flags == std::vector<std::string>{"--nostream"});
    CHECK(complete(t, {"tend", "completion", ""}) ==
          std::vector<std::string>{"bash", "fish", "zsh"});
    CHECK(complete(t, {"tend", "startup", "sys"}) == std::vector<std::string>{"systemd"});
}

TEST_CASE("completion with no daemon running offers no apps and starts no daemon") {
    TendHome t{TendHome::Options::without_daemon()};
    CHECK(complete(t, {"tend", "logs", ""}).empty());
    CHECK(t.run_ok({"__complete", "targets"}).out.empty());
    CHECK_FALSE(std::filesystem::exists(t.home() + "/tend.sock"));
    CHECK_FALSE(std::filesystem::exists(t.home() + "/tendd.pid"));
}

TEST_CASE("tend completion prints the installed scripts byte for byte, and hides __complete") {
    TendHome t{TendHome::Options::without_daemon()};
    for (auto [shell, file] :
         {std::pair{"bash", "tend.bash"}, {"zsh", "_tend"}, {"fish", "tend.fish"}}) {
        // A path, not string +: GCC 12 -O3 misreads that inlined concatenation
        // (-Warray-bounds) once this file shares a unity batch.
        auto path = std::filesystem::path(TEND_SOURCE_DIR) / "completions" / file;
        std::string script = read_file(path.string());
        CHECK(t.run_ok({"completion", shell}).out == script);
    }
    Result r = t.run({"completion", "tcsh"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "tend: error: no completion for shell 'tcsh' (bash, zsh or fish)\n");
    CHECK(t.run_ok({"help"}).out.find("__complete") == std::string::npos);
}

TEST_CASE("zsh and fish offer commands, flags and running apps as bash does") {
    TendHome t;
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    t.wait_for(
        "api", [](const json& i) { return all_status(i, "online"); }, "api online");
    if (installed("/usr/bin/zsh")) {
        auto commands = complete_zsh(t, {"tend", "re"});
        CHECK(offers(commands, "restart"));
        CHECK(offers(commands, "reload"));
        CHECK(complete_zsh(t, {"tend", "logs", "--no"}) == std::vector<std::string>{"--nostream"});
        CHECK(offers(complete_zsh(t, {"tend", "logs", ""}), "api"));
        CHECK(complete_zsh(t, {"tend", "start", "--cwd", ""}) ==
              std::vector<std::string>{"::files"});
    }
    if (installed("/usr/bin/fish")) {
        auto commands = complete_fish(t, "tend re");
        CHECK(offers(commands, "restart"));
        CHECK(offers(commands, "reload"));
        CHECK(complete_fish(t, "tend logs --no") == std::vector<std::string>{"--nostream"});
        CHECK(offers(complete_fish(t, "tend logs "), "api"));
    }
}
