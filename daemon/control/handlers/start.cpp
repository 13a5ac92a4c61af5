// `tend start`: adds an app to the table and spawns its instances.
#include <filesystem>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {

std::optional<json> start(const Request& request, Context& ctx) {
    auto args = args_as<StartArgs>(request.args);
    AppSpec& spec = args.spec;
    std::error_code ec;
    if (!spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd, ec))
        throw TendError(ErrorCode::kBadRequest, "cwd '" + spec.cwd + "' is not a directory");
    std::vector<int> ids = ctx.services.table.start(spec);
    return json(InstancesResult{ctx.services.table.infos(ids, false)});
}

}  // namespace tend::handlers
