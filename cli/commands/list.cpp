// `tend list` (the table), `tend jlist` (the daemon's instance objects as
// one JSON array line, passed through as the daemon wrote them) and `tend
// prettylist` (the same array indented, for a person). Metrics histories
// only with --history: PM2's jlist has none, and at a thousand instances
// they were most of the bytes.
#include "cli/commands/commands.h"
#include "common/json_limits.h"
#include "common/messages.h"

namespace tend {
namespace {

struct ListFlags {
    bool history = false;
};

json parse_list_result(const std::string& text) {
    ParsedJson parsed = parse_json_limited(text);
    if (!parsed.ok() || !parsed.value.is_object())
        throw TendError(ErrorCode::kBadJson, "the daemon's list reply is not a JSON object");
    return std::move(parsed.value);
}

// The instances array of the daemon's `{"instances":[...]}`, cut out of its
// text rather than parsed and written again; any other shape is parsed.
std::string instances_array_text(const std::string& result) {
    constexpr std::string_view kHead = "{\"instances\":[";
    if (result.starts_with(kHead) && result.ends_with("]}"))
        return result.substr(kHead.size() - 1, result.size() - kHead.size());
    return dump_json(parse_list_result(result).value("instances", json::array()));
}

int run_jlist(const ListFlags& flags, CommandContext& ctx) {
    std::string result = ctx.call_text(ctx.request, ListArgs{flags.history, false});
    std::string out = instances_array_text(result);
    out += '\n';
    print_now(out);
    return 0;
}

int run_prettylist(const ListFlags& flags, CommandContext& ctx) {
    json result = ctx.call(ListArgs{flags.history, false});
    json instances = result.value("instances", json::array());
    print_now(instances.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    return 0;
}

CommandRunner list_with_flags(CLI::App& app, int (*run)(const ListFlags&, CommandContext&)) {
    auto flags = std::make_shared<ListFlags>();
    app.add_flag("--history", flags->history,
                 "add each instance's cpu_history and memory_history (the last 60 samples)");
    return [flags, run](CommandContext& ctx) { return run(*flags, ctx); };
}

}  // namespace

CommandRunner setup_list(CLI::App& app) {
    return [](CommandContext& ctx) {
        print_instance_table(ctx);
        return 0;
    };
}

CommandRunner setup_jlist(CLI::App& app) {
    return list_with_flags(app, run_jlist);
}

CommandRunner setup_prettylist(CLI::App& app) {
    return list_with_flags(app, run_prettylist);
}

}  // namespace tend
