// `tend kill`: the daemon stops every app, replies, then exits; we wait for
// it to close the connection so the next command finds no daemon.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/daemon_launcher.h"
#include "common/messages.h"

namespace tend {
namespace {

constexpr auto kExitTimeout = std::chrono::seconds(15);

// The daemon's keeper exits right after it: once nobody holds the home
// lock, the next command can start a daemon at once.
bool wait_until_unlocked(const std::string& pidfile,
                         std::chrono::steady_clock::time_point deadline) {
    int fd = ::open(pidfile.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return true;
    bool free = false;
    while (!(free = ::flock(fd, LOCK_SH | LOCK_NB) == 0) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ::close(fd);
    return free;
}

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
    auto deadline = std::chrono::steady_clock::now() + kExitTimeout;
    bool closed = client->wait_for_close(deadline);
    client.reset();  // hung up at once: the daemon need not linger for us
    if (!closed || !wait_until_unlocked(ctx.paths.pidfile, deadline))
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
