// `tend monit`: the live dashboard. Checks for a terminal, subscribes once
// (starting the daemon like other commands), then hands the terminal to the
// dashboard's loop until the user quits.
#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cstring>

#include "cli/commands/commands.h"
#include "cli/monit/action_runner.h"
#include "cli/monit/monit_loop.h"
#include "cli/monit/screen.h"
#include "cli/monit/subscription.h"

namespace tend {
namespace {

// History lines per instance in the snapshot, and live lines per second per
// instance: more than a pane shows, little enough to stay light.
constexpr MonitArgs kMonitArgs{50, 100};

void require_terminal() {
    if (!isatty(STDOUT_FILENO))
        throw TendError(ErrorCode::kBadRequest, "monit needs a terminal (stdout is not a TTY)");
    if (!isatty(STDIN_FILENO))
        throw TendError(ErrorCode::kBadRequest, "monit needs a terminal (stdin is not a TTY)");
}

// Curses draws UTF-8 only under a UTF-8 LC_CTYPE; numbers keep the C
// locale so "1.5mb" never becomes "1,5mb".
void use_terminal_locale() {
    std::setlocale(LC_ALL, "");
    std::setlocale(LC_NUMERIC, "C");
    if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) std::setlocale(LC_CTYPE, "C.UTF-8");
}

int run_monit(CommandContext& ctx) {
    require_terminal();
    MonitModel model;
    Subscription subscription(ctx.paths, kMonitArgs);
    subscription.open(ctx, model);
    ActionRunner actions(ctx.paths);
    use_terminal_locale();
    Screen screen(ctx.colour_out);
    MonitLoop(screen, model, subscription, actions).run();
    return 0;
}

}  // namespace

CommandRunner setup_monit(CLI::App&) {
    return [](CommandContext& ctx) { return run_monit(ctx); };
}

}  // namespace tend
