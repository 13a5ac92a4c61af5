// `tend env <id>`: the environment an instance was started with, one
// KEY=VALUE a line, sorted: what the app saw, secrets included (the socket
// is guarded by TEND_HOME's file mode).
#include <memory>

#include "cli/commands/commands.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {

CommandRunner setup_env(CLI::App& app) {
    auto args = std::make_shared<EnvArgs>();
    app.add_option("target", args->target, "an instance id, or an app with one instance")
        ->type_name("TARGET");
    return [args](CommandContext& ctx) {
        if (args->target.empty()) throw UsageError("'env' needs an instance id: tend env 0");
        auto result = decode_result<EnvResult>(ctx.call(*args));
        std::string text;
        for (const auto& [key, value] : result.env) text += key + "=" + value + "\n";
        print_now(text);
        return 0;
    };
}

}  // namespace tend
