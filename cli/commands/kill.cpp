// `tend kill`: the daemon stops every app, replies, then exits; we wait for
// it to close the connection so the next command finds no daemon.
#include <chrono>

#include "cli/commands/commands.h"
#include "cli/daemon_launcher.h"
#include "common/messages.h"

namespace tend {
namespace {

constexpr auto kExitTimeout = std::chrono::seconds(15);

int run_kill(CommandContext& ctx) {
    auto client = connect_running(ctx.paths);
    if (!client) {
        print_now("[tend] daemon is not running\n");
        return 0;
    }
    client->send(ctx.request, json::object());
    std::optional<Response> reply;
    do {
        reply = client->next();
    } while (reply && reply->is_event());
    if (reply) result_of(*reply);
    if (!client->wait_for_close(std::chrono::steady_clock::now() + kExitTimeout))
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "the daemon answered but did not exit within 15 s");
    print_now("[tend] daemon stopped\n");
    return 0;
}

}  // namespace

CommandRunner setup_kill(CLI::App& app) {
    return run_kill;
}

}  // namespace tend
