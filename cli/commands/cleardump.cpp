// `tend cleardump`: an empty dump, so `tend resurrect` starts nothing (the
// previous dump stays as dump.json.bak).
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

int run_cleardump(CommandContext& ctx) {
    auto cleared = decode_result<DumpResult>(ctx.call(json::object()));
    print_now("[tend] emptied " + cleared.path + "\n");
    return 0;
}

}  // namespace

CommandRunner setup_cleardump(CLI::App& app) {
    return run_cleardump;
}

}  // namespace tend
