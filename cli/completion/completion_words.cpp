// Completion candidates read from the CLI11 apps the command table builds:
// an option's type name ("TARGET", "FILE", "SHELL") says what its value is.
#include "cli/completion/completion_words.h"

#include <algorithm>

#include "cli/command_table.h"

namespace tend {
namespace {

using Kind = ArgumentCompletion::Kind;

ArgumentCompletion words_of(std::vector<std::string> words) {
    return {Kind::kWords, std::move(words)};
}

// What a value of this type name is; positional says whether it is an argument
// (a NAME argument is an existing app, a --name value is a new one).
ArgumentCompletion completion_for_type(const std::string& type, bool positional) {
    if (type == "TARGET" || (positional && type == "NAME")) return {Kind::kTargets, {}};
    if (type == "FILE" || type == "DIR" || type == "SCRIPT" || type.starts_with("PATH"))
        return {Kind::kFiles, {}};
    if (type == "COMMAND") return words_of(command_candidates());
    if (type == "SHELL") return words_of(completion_shells());
    if (type == "INIT") return words_of({"systemd"});
    if (type == "EXPORT") return words_of({"compose", "kubernetes", "systemd"});
    return {};
}

const CLI::Option* find_flag(const CLI::App& app, const std::string& word) {
    std::string name = word.substr(0, word.find('='));
    for (const CLI::Option* opt : app.get_options())
        if (opt->nonpositional() && opt->check_name(name)) return opt;
    return nullptr;
}

bool takes_value(const CLI::Option* opt) {
    return opt && opt->get_type_size_max() > 0;
}

// The positional that the next word fills, after `filled` positional words.
const CLI::Option* positional_at(const CLI::App& app, int filled) {
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->nonpositional()) continue;
        int capacity = opt->get_items_expected_max();
        if (filled < capacity) return opt;
        filled -= capacity;
    }
    return nullptr;
}

}  // namespace

std::vector<std::string> command_candidates() {
    std::vector<std::string> names;
    for (const auto& spec : command_table()) names.emplace_back(spec.name());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> flag_candidates(std::string_view command) {
    const CommandSpec* spec = find_command(command);
    if (!spec) return {};
    CommandApp built = build_command_app(*spec);
    std::vector<std::string> flags;
    for (const CLI::Option* opt : built.app->get_options()) {
        for (const auto& l : opt->get_lnames()) flags.push_back("--" + l);
        for (const auto& s : opt->get_snames()) flags.push_back("-" + s);
    }
    return flags;
}

ArgumentCompletion argument_completion(std::string_view command,
                                       const std::vector<std::string>& typed) {
    const CommandSpec* spec = find_command(command);
    if (!spec) return {};
    if (spec->passthrough && std::find(typed.begin(), typed.end(), "--") != typed.end())
        return {Kind::kFiles, {}};
    CommandApp built = build_command_app(*spec);
    const CLI::App* app = built.app.get();
    int filled = 0;
    for (std::size_t i = 0; i < typed.size(); ++i) {
        const CLI::Option* flag = typed[i].starts_with("-") ? find_flag(*app, typed[i]) : nullptr;
        bool value_follows = takes_value(flag) && typed[i].find('=') == std::string::npos;
        if (value_follows && i + 1 == typed.size())
            return completion_for_type(flag->get_type_name(), false);
        if (value_follows)
            ++i;
        else if (!typed[i].starts_with("-"))
            ++filled;
    }
    const CLI::Option* next = positional_at(*app, filled);
    return next ? completion_for_type(next->get_type_name(), true) : ArgumentCompletion{};
}

std::vector<std::string> completion_shells() {
    return {"bash", "fish", "zsh"};
}

}  // namespace tend
