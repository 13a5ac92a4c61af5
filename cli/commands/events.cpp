// `tend events [target]`: the messages instances send, one JSON object a
// line ({"id","name","instance","time","data"}), until Ctrl-C.
#include <unistd.h>

#include <csignal>
#include <memory>

#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_events(CLI::App& app) {
    auto args = std::make_shared<EventsArgs>();
    add_targets(app, args->targets);
    return [args](CommandContext& ctx) {
        args->cwd = cli_cwd();
        Client client = ctx.connect();
        client.send(ctx.request, *args);
        auto reply = client.next();
        if (!reply)
            throw TendError(ErrorCode::kDaemonUnavailable, "the daemon closed the connection");
        result_of(*reply);
        std::signal(SIGINT, [](int) { ::_exit(0); });
        while (auto response = client.next()) {
            if (response->event != "message") continue;
            print_now(dump_json(response->data) + "\n");
        }
        return 0;
    };
}

}  // namespace tend
