// `tend save`: every app's spec, in start order, to TEND_HOME/dump.json.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/process/dump_file.h"

namespace tend::handlers {

std::optional<json> save(const Request& request, Context& ctx) {
    std::vector<AppSpec> specs = ctx.services.table.specs();
    std::string path = dump_path(ctx.services.paths.home);
    save_dump(path, specs);
    return json(DumpResult{path, static_cast<int>(specs.size())});
}

}  // namespace tend::handlers
