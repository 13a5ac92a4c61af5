// `tend ping`: `pong` when a daemon answers; never starts one.
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_ping(CLI::App& app) {
    return [](CommandContext& ctx) {
        decode_result<PingResult>(ctx.call(json::object()));
        print_now("pong\n");
        return 0;
    };
}

}  // namespace tend
