// `tend signal <SIGNAL> <target>...` (alias sendSignal, PM2's spelling): a
// signal to the process of each matching running instance.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_signal(CLI::App& app) {
    auto args = std::make_shared<SignalArgs>();
    app.add_option("signal", args->signal, "SIGUSR2, USR2 or 12")->type_name("SIGNAL");
    add_targets(app, args->targets);
    return [args](CommandContext& ctx) {
        if (args->signal.empty() || args->targets.empty())
            throw UsageError("'signal' needs a signal and a target: tend signal SIGUSR2 api");
        auto sent = decode_result<SignalResult>(ctx.call(*args));
        print_now("[tend] sent " + sent.signal + " to " + std::to_string(sent.signalled.size()) +
                  " instance(s)\n");
        return 0;
    };
}

}  // namespace tend
