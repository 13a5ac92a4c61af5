// `tend resurrect [--from-backup]`: starts the apps of the dump that are not
// running, with their saved names, instance counts, options and environment.
#include <filesystem>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/process/dump_file.h"

namespace tend::handlers {
namespace {

std::vector<AppSpec> read_dump(const std::string& path, bool from_backup) {
    try {
        return load_dump(path);
    } catch (const DumpError& e) {
        std::string file = std::filesystem::path(path).filename().string();
        std::string action =
            from_backup ? "no backup left to try" : "run 'tend resurrect --from-backup'";
        throw TendError(ErrorCode::kBadRequest, file + " is corrupt (" + e.what() + "): " + action);
    }
}

void start_one(const AppSpec& spec, ResurrectResult& result, ProcessTable& table) {
    if (table.find_app(spec.name)) {
        result.skipped.push_back(spec.name);
        return;
    }
    std::error_code ec;
    try {
        if (!spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd, ec))
            throw TendError(ErrorCode::kBadRequest, "cwd '" + spec.cwd + "' is not a directory");
        table.start(spec);
        result.started.push_back(spec.name);
    } catch (const TendError& e) {
        result.failed.push_back(spec.name + ": " + e.what());
    }
}

}  // namespace

std::optional<json> resurrect(const Request& request, Context& ctx) {
    auto args = args_as<ResurrectArgs>(request.args);
    ResurrectResult result;
    result.path = dump_path(ctx.services.paths.home) + (args.from_backup ? ".bak" : "");
    for (const AppSpec& spec : read_dump(result.path, args.from_backup))
        start_one(spec, result, ctx.services.table);
    return json(result);
}

}  // namespace tend::handlers
