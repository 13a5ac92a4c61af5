// `tend ping`: proves the daemon answers, and says which one (and the CPUs
// it may use, which `tend report` shows).
#include <unistd.h>

#include "common/cpu_count.h"
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> ping(const Request&, Context& ctx) {
    // Counted now, as a start would: a quota can change while tendd runs.
    CpuCount cpus = count_usable_cpus();
    return json(PingResult{static_cast<int>(::getpid()), ctx.services.version,
                           ctx.services.paths.home, ctx.services.http_url, cpus.usable,
                           cpus.text()});
}

}  // namespace tend::handlers
