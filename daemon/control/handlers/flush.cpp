// `tend flush [target] [--all]`: empties log files; with --all, removes
// their rotated archives too.
#include <set>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> flush(const Request& request, Context& ctx) {
    auto args = args_as<TargetsArgs>(request.args);
    bool archives = args_as<FlushArgs>(request.args).archives;
    ProcessTable& table = ctx.services.table;
    std::set<std::string> seen;
    FlushResult result;
    for (int id : resolve_query(query_of(args), true, ctx)) {
        const Instance* inst = table.find(id);
        for (const std::string* path : {&inst->out_log, &inst->err_log}) {
            if (!seen.insert(*path).second) continue;
            if (archives) {
                ctx.services.sink.remove_archives(*path);
            } else {
                ctx.services.sink.truncate(*path);
            }
            result.files.push_back(*path);
        }
    }
    return json(result);
}

}  // namespace tend::handlers
