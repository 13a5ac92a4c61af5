// `tend flush [target]...`: empty the log files of the targets, or of every app.
#include <memory>

#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_flush(CLI::App& app) {
    auto args = std::make_shared<TargetsArgs>();
    add_targets(app, args->targets);
    return [args](CommandContext& ctx) {
        args->cwd = cli_cwd();
        auto flushed = decode_result<FlushResult>(ctx.call(*args));
        print_now("[tend] flushed " + std::to_string(flushed.files.size()) + " file(s)\n");
        return 0;
    };
}

}  // namespace tend
