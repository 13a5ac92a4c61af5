// `tend ping`: `pong` when a daemon answers (`--json`: which daemon, and
// where it serves HTTP); never starts one.
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_ping(CLI::App& app) {
    auto as_json = std::make_shared<bool>(false);
    app.add_flag("--json", *as_json, "print the daemon's pid, version, home and HTTP address");
    return [as_json](CommandContext& ctx) {
        auto ping = decode_result<PingResult>(ctx.call(json::object()));
        print_now(*as_json ? dump_json(json(ping)) + "\n" : std::string("pong\n"));
        return 0;
    };
}

}  // namespace tend
