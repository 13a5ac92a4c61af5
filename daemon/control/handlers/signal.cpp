// `tend signal <SIGNAL> <target>...` (PM2's sendSignal): the signal to the
// process of each matching running instance.
#include "common/messages.h"
#include "common/signals.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> send_signal(const Request& request, Context& ctx) {
    auto args = args_as<SignalArgs>(request.args);
    int number = signal_number(args.signal);
    if (number == 0)
        throw TendError(ErrorCode::kBadRequest, "unknown signal '" + args.signal + "'");
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = table.resolve(args.targets, false);
    SignalResult result{signal_name(number), table.signal_processes(ids, number)};
    if (result.signalled.empty())
        throw TendError(ErrorCode::kNotFound, "no running instance to signal");
    return json(result);
}

}  // namespace tend::handlers
