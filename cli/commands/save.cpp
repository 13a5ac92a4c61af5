// `tend save`: the daemon writes every app's spec to TEND_HOME/dump.json.
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

int run_save(CommandContext& ctx) {
    auto saved = decode_result<DumpResult>(ctx.call(json::object()));
    print_now("[tend] saved " + std::to_string(saved.apps) + " app(s) to " + saved.path + "\n");
    return 0;
}

}  // namespace

CommandRunner setup_save(CLI::App& app) {
    return run_save;
}

}  // namespace tend
