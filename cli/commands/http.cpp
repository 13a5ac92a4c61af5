// `tend http`: where the daemon serves HTTP, and whether the API may write;
// `tend http token [--new]`: the token every write must carry (made once,
// printed each time; --new replaces it, and the old one stops working at
// once, for the daemon reads the file on every write).
#include <sys/stat.h>

#include <filesystem>

#include "cli/commands/commands.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/http_token.h"
#include "common/messages.h"

namespace tend {
namespace {

struct HttpFlags {
    std::string action;  // "" or "token"
    bool renew = false;
};

int print_token(const Paths& paths, bool renew) {
    check_home(paths.home);
    std::optional<std::string> token = renew ? std::nullopt : read_http_token(paths.home);
    if (!token) {
        std::error_code ec;
        if (std::filesystem::create_directories(paths.home, ec)) ::chmod(paths.home.c_str(), 0700);
        token = new_http_token();
        write_file_atomic(http_token_path(paths.home), *token + "\n", 0600);
    }
    print_now(*token + "\n");
    return 0;
}

int print_status(CommandContext& ctx) {
    auto ping = decode_result<PingResult>(ctx.call(json::object()));
    if (ping.http.empty()) {
        print_now(
            "HTTP is off: start tendd with --http ADDR, or set {\"http\": {\"listen\": "
            "\"127.0.0.1:9615\"}} in " +
            ctx.paths.home + "/config.json and run 'tend update'\n");
        return 1;
    }
    bool writes = read_http_token(ctx.paths.home).has_value();
    print_now(ping.http + "\n" +
              (writes ? "writes: with the token (tend http token)\n"
                      : "writes: off, read-only (tend http token allows them)\n"));
    return 0;
}

}  // namespace

CommandRunner setup_http(CLI::App& app) {
    auto flags = std::make_shared<HttpFlags>();
    app.add_option("action", flags->action, "token: print the API's write token, made if missing")
        ->check(CLI::IsMember({"token"}));
    app.add_flag("--new", flags->renew,
                 "with token: replace the token (the old one stops working)");
    return [flags](CommandContext& ctx) {
        if (flags->action == "token") return print_token(ctx.paths, flags->renew);
        if (flags->renew)
            throw TendError(ErrorCode::kBadRequest, "--new goes with 'tend http token'");
        return print_status(ctx);
    };
}

}  // namespace tend
