// dump.json: its format, its checks, and how it reaches the disk.
#include "daemon/process/dump_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json_limits.h"
#include "daemon/home_file.h"

namespace tend {
namespace {

AppSpec parse_app(const json& j, std::size_t index) {
    try {
        AppSpec spec = j.get<AppSpec>();
        validate(spec);
        return spec;
    } catch (const TendError& e) {
        throw DumpError("apps[" + std::to_string(index) + "]: " + e.what());
    }
}

}  // namespace

std::string dump_path(const std::string& home) {
    return home + "/dump.json";
}

std::string encode_dump(const std::vector<AppSpec>& specs) {
    json dump{{"format", kDumpFormat}, {"apps", specs}};
    return dump.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::vector<AppSpec> parse_dump(std::string_view text) {
    ParsedJson parsed = parse_json_limited(text);
    if (parsed.problem == JsonProblem::kTooDeep) throw DumpError(too_deep_message("it"));
    if (!parsed.ok()) throw DumpError("not valid JSON");
    json& dump = parsed.value;
    if (!dump.is_object()) throw DumpError("not a JSON object");
    auto format = dump.find("format");
    if (format == dump.end() || !format->is_number_integer()) throw DumpError("no format version");
    if (*format != kDumpFormat)
        throw DumpError("format " + format->dump() + ", this tend reads format " +
                        std::to_string(kDumpFormat));
    auto apps = dump.find("apps");
    if (apps == dump.end() || !apps->is_array()) throw DumpError("no 'apps' array");
    std::vector<AppSpec> specs;
    for (std::size_t i = 0; i < apps->size(); ++i) specs.push_back(parse_app((*apps)[i], i));
    return specs;
}

void save_dump(const std::string& path, const std::vector<AppSpec>& specs) {
    // The old dump is copied to .bak (atomically), not renamed: with a
    // rename there would be a moment with no dump.json at all, and a crash
    // then would leave `tend resurrect` nothing without --from-backup. With
    // the copy, dump.json and dump.json.bak are each whole at every instant.
    // A corrupt old dump is not copied, so it never overwrites a good .bak.
    if (auto old = read_home_file(path)) {
        try {
            parse_dump(*old);
            write_file_atomic(path + ".bak", *old);
        } catch (const DumpError&) {
        }
    }
    write_file_atomic(path, encode_dump(specs));
}

std::vector<AppSpec> load_dump(const std::string& path) {
    auto text = read_home_file(path);
    if (!text)
        throw TendError(ErrorCode::kNotFound, "no dump at '" + path + "': run 'tend save' first");
    return parse_dump(*text);
}

}  // namespace tend
