// The hidden `__complete` command. Live targets come from a daemon that is
// already running, with a short deadline: a shell waits on this at <TAB>.
#include "cli/completion/complete_command.h"

#include <chrono>
#include <cstdio>
#include <set>

#include "cli/completion/completion_words.h"
#include "cli/daemon_launcher.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

constexpr auto kTargetsTimeout = std::chrono::milliseconds(500);

void print_lines(const std::vector<std::string>& lines) {
    for (const auto& line : lines) std::printf("%s\n", line.c_str());
}

// App names, then "all", then instance ids; nothing when no daemon runs.
std::vector<std::string> live_targets() {
    auto client = connect_running(resolve_paths());
    if (!client) return {};
    client->send(cmd::kList, json::object());
    auto reply = client->next(std::chrono::steady_clock::now() + kTargetsTimeout);
    if (!reply) return {};
    auto list = decode_result<InstancesResult>(result_of(*reply));
    std::set<std::string> names;
    for (const auto& inst : list.instances) names.insert(inst.name);
    std::vector<std::string> targets(names.begin(), names.end());
    targets.emplace_back("all");
    for (const auto& inst : list.instances) targets.push_back(std::to_string(inst.id));
    return targets;
}

std::vector<std::string> argument_lines(const std::vector<std::string>& args) {
    std::vector<std::string> typed(args.begin() + 2, args.end());
    ArgumentCompletion completion = argument_completion(args[1], typed);
    switch (completion.kind) {
        case ArgumentCompletion::Kind::kWords:
            return completion.words;
        case ArgumentCompletion::Kind::kFiles:
            return {"::files"};
        case ArgumentCompletion::Kind::kTargets:
            return live_targets();
        case ArgumentCompletion::Kind::kNone:
            break;
    }
    return {};
}

std::vector<std::string> candidates(const std::vector<std::string>& args) {
    if (args.empty()) return {};
    if (args[0] == "commands") return command_candidates();
    if (args[0] == "targets") return live_targets();
    if (args.size() < 2) return {};
    if (args[0] == "flags") return flag_candidates(args[1]);
    if (args[0] == "args") return argument_lines(args);
    return {};
}

}  // namespace

int run_complete(const std::vector<std::string>& args) {
    try {
        print_lines(candidates(args));
    } catch (const std::exception&) {
        // A daemon that is stopping or of another version: offer nothing.
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace tend
