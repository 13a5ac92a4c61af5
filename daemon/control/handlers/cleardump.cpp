// `tend cleardump`: an empty dump, so `tend resurrect` starts nothing; the
// previous one stays as dump.json.bak.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/process/dump_file.h"

namespace tend::handlers {

std::optional<json> cleardump(const Request& request, Context& ctx) {
    std::string path = dump_path(ctx.services.paths.home);
    save_dump(path, {});
    return json(DumpResult{path, 0});
}

}  // namespace tend::handlers
