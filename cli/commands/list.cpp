// `tend list` (the table), `tend jlist` (the daemon's instance objects as
// one JSON array line, passed through without re-encoding) and `tend
// prettylist` (the same array indented, for a person).
#include "cli/commands/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

int run_jlist(CommandContext& ctx) {
    json result = ctx.call(ListArgs{true});
    auto instances = result.find("instances");
    print_now((instances != result.end() ? dump_json(*instances) : std::string("[]")) + "\n");
    return 0;
}

int run_prettylist(CommandContext& ctx) {
    json result = ctx.call(ListArgs{true});
    json instances = result.value("instances", json::array());
    print_now(instances.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    return 0;
}

}  // namespace

CommandRunner setup_list(CLI::App& app) {
    return [](CommandContext& ctx) {
        print_instance_table(ctx);
        return 0;
    };
}

CommandRunner setup_jlist(CLI::App& app) {
    return run_jlist;
}

CommandRunner setup_prettylist(CLI::App& app) {
    return run_prettylist;
}

}  // namespace tend
