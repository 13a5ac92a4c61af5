// `tend flush [target]... [--all]`: empty the log files of the targets, or
// of every app; --all removes their rotated archives too.
#include <memory>

#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_flush(CLI::App& app) {
    auto args = std::make_shared<TargetsArgs>();
    auto archives = std::make_shared<bool>(false);
    add_targets(app, args->targets);
    app.add_flag("--all", *archives, "also remove the rotated archives of each file");
    return [args, archives](CommandContext& ctx) {
        args->cwd = cli_cwd();
        json request = *args;
        request.update(json(FlushArgs{*archives}));
        auto flushed = decode_result<FlushResult>(ctx.call(request));
        print_now("[tend] flushed " + std::to_string(flushed.files.size()) + " file(s)" +
                  (*archives ? " and their archives\n" : "\n"));
        return 0;
    };
}

}  // namespace tend
