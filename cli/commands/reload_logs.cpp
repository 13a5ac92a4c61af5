// `tend reloadLogs`: every log file opened again (after logrotate moved
// them), and TEND_HOME/config.json read again.
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_reload_logs(CLI::App&) {
    return [](CommandContext& ctx) {
        auto result = decode_result<ReloadLogsResult>(ctx.call(json::object()));
        print_now("[tend] reopened " + std::to_string(result.files) + " log file(s)\n");
        return 0;
    };
}

}  // namespace tend
