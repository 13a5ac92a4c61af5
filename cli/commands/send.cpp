// `tend send <target> [--instance N] '<json>'`: a JSON message to each
// matching instance (Node: process.on('message'); others: TEND_IPC_FD).
#include <memory>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/json_limits.h"
#include "common/messages.h"

namespace tend {
namespace {

struct SendFlags {
    std::string target;
    std::string message;
    std::optional<std::string> instance;
};

SendArgs send_args(const SendFlags& f) {
    if (f.target.empty() || f.message.empty())
        throw UsageError("'send' needs a target and a JSON message: tend send api '{\"cmd\":1}'");
    SendArgs args;
    args.targets = {f.target};
    args.instance = instance_index(f.instance);
    args.cwd = cli_cwd();
    ParsedJson parsed = parse_json_limited(f.message);
    if (parsed.problem == JsonProblem::kTooDeep)
        throw UsageError("send: " + too_deep_message("the message"));
    if (!parsed.ok()) throw UsageError("send: the message is not JSON: '" + f.message + "'");
    args.message = std::move(parsed.value);
    return args;
}

}  // namespace

CommandRunner setup_send(CLI::App& app) {
    auto f = std::make_shared<SendFlags>();
    app.add_option("target", f->target,
                   "an instance id, an app name, a namespace, a script, or 'all'")
        ->type_name("TARGET");
    app.add_option("message", f->message, "the message, as JSON")->type_name("JSON");
    add_instance_option(app, f->instance);
    return [f](CommandContext& ctx) {
        auto sent = decode_result<SendResult>(ctx.call(send_args(*f)));
        print_now("[tend] sent to " + std::to_string(sent.delivered.size()) + " instance(s)\n");
        return 0;
    };
}

}  // namespace tend
