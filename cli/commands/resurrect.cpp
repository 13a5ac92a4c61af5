// `tend resurrect [--from-backup]`: the daemon starts the apps of the dump
// that are not running; we print what it did and the table.
#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

int run_resurrect(const ResurrectArgs& args, CommandContext& ctx) {
    auto done = decode_result<ResurrectResult>(ctx.call(args));
    for (const auto& name : done.started) print_now("[tend] resurrected '" + name + "'\n");
    for (const auto& name : done.skipped)
        print_now("[tend] '" + name + "' is already running, left as it is\n");
    for (const auto& failure : done.failed)
        std::fprintf(stderr, "tend: error: cannot resurrect %s\n", failure.c_str());
    print_instance_table(ctx);
    return done.failed.empty() ? 0 : 1;
}

}  // namespace

CommandRunner setup_resurrect(CLI::App& app) {
    auto args = std::make_shared<ResurrectArgs>();
    app.add_flag("--from-backup", args->from_backup,
                 "read dump.json.bak, the dump before the last save");
    return [args](CommandContext& ctx) { return run_resurrect(*args, ctx); };
}

}  // namespace tend
