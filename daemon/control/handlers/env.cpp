// `tend env <target>`: the environment one instance's process was started
// with, kept by the table from its spawn.
#include <string>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {
namespace {

std::string id_list(const std::vector<int>& ids) {
    std::string text;
    for (int id : ids) text.append(text.empty() ? "" : ", ").append(std::to_string(id));
    return text;
}

}  // namespace

std::optional<json> env(const Request& request, Context& ctx) {
    auto args = args_as<EnvArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    if (args.target.empty()) throw TendError(ErrorCode::kBadRequest, "'env' needs an instance id");
    std::vector<int> ids = table.resolve({args.target}, false);
    if (ids.size() != 1)
        throw TendError(ErrorCode::kBadRequest,
                        "'" + args.target + "' has " + std::to_string(ids.size()) +
                            " instances: name one by its id (" + id_list(ids) + ")");
    const Instance& inst = *table.find(ids.front());
    if (inst.env.empty())
        throw TendError(ErrorCode::kNotFound,
                        "instance " + std::to_string(inst.id) + " has not been started");
    return json(EnvResult{inst.id, inst.env.to_map()});
}

}  // namespace tend::handlers
