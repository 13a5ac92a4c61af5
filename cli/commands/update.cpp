// `tend update` (PM2's name): the running daemon hands its apps over to the
// tendd binary installed now; no app restarts. We wait until the new daemon
// answers, then say which version runs.
#include <chrono>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/daemon_launcher.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

constexpr auto kHandOverTimeout = std::chrono::seconds(15);

// The daemon answering ping once its pid is no longer old_pid.
std::optional<PingResult> new_daemon(const Paths& paths, int old_pid,
                                     std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto client = connect_running(paths)) {
            client->send(cmd::kPing, json::object());
            std::optional<Response> reply = client->next(deadline);
            if (reply && !reply->is_event()) {
                auto ping = decode_result<PingResult>(result_of(*reply));
                if (ping.pid != old_pid) return ping;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

int run_update(CommandContext& ctx) {
    auto client = connect_running(ctx.paths);
    if (!client) {
        print_now("[tend] daemon is not running; the next command starts the tendd installed\n");
        return 0;
    }
    auto deadline = std::chrono::steady_clock::now() + kHandOverTimeout;
    client->send(ctx.request, json::object());
    std::optional<Response> reply;
    do {
        reply = client->next(deadline);
    } while (reply && reply->is_event());
    if (!reply)
        throw TendError(ErrorCode::kDaemonUnavailable, "the daemon did not answer the update");
    auto old = decode_result<PingResult>(result_of(*reply));
    client->wait_for_close(deadline);
    auto now = new_daemon(ctx.paths, old.pid, deadline);
    if (!now)
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "the daemon handed over, but no new one answered within 15 s; see " +
                            ctx.paths.daemon_log);
    print_now("[tend] tendd " + old.version + " (pid " + std::to_string(old.pid) +
              ") handed over to tendd " + now->version + " (pid " + std::to_string(now->pid) +
              "); every app kept running\n");
    return 0;
}

}  // namespace

CommandRunner setup_update(CLI::App& app) {
    return run_update;
}

}  // namespace tend
