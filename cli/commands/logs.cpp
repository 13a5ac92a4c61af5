// `tend logs [target]`: the last lines of each log file, then, unless
// --nostream, the live lines the daemon streams as events. Ctrl-C ends it
// with exit 0; the daemon closing the stream ends it too.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/render/log_line.h"
#include "cli/since_time.h"
#include "cli/usage_error.h"
#include "common/messages.h"

namespace tend {
namespace {

struct LogsFlags {
    std::string target;
    std::optional<std::string> instance;
    std::string lines = "15";
    bool lines_given = false;
    std::optional<std::string> since;
    std::optional<std::string> grep;
    bool out = false;
    bool err = false;
    bool nostream = false;
    bool raw = false;
    bool timestamp = false;
    bool json = false;
};

LogsArgs logs_args(const LogsFlags& f) {
    LogsArgs args;
    if (!f.target.empty()) args.targets = {f.target};
    if (f.instance) args.instance = parse_option_small_int("--instance", *f.instance);
    args.lines = parse_option_small_int("--lines", f.lines);
    if (f.since) {
        using namespace std::chrono;
        auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
        args.since_ms = parse_since(*f.since, now);
        // Every line since then, unless --lines says how many.
        if (!f.lines_given) args.lines = kMaxLogLines;
    }
    args.grep = f.grep;
    args.streams = f.out == f.err ? LogStreams::kBoth : f.out ? LogStreams::kOut : LogStreams::kErr;
    args.follow = !f.nostream;
    args.cwd = cli_cwd();
    return args;
}

// Every line printed so far was flushed, so leaving at once loses nothing.
void exit_on_interrupt() {
    std::signal(SIGINT, [](int) { ::_exit(0); });
}

// Prints streamed events until the daemon ends the stream.
int follow(Client& client, const LogLineStyle& style) {
    for (;;) {
        if (!client.has_buffered()) std::fflush(stdout);
        auto response = client.next();
        if (!response) {
            std::fflush(stdout);
            std::fputs("[tend] daemon stopped\n", stderr);
            return 0;
        }
        if (!response->is_event()) {
            std::fflush(stdout);
            result_of(*response);
            return 0;
        }
        if (response->event == "log") {
            std::string text = render_log_line(decode_result<LogLine>(response->data), style);
            std::fwrite(text.data(), 1, text.size(), stdout);
        } else if (response->event == "missed") {
            auto missed = decode_result<MissedEvent>(response->data);
            std::fflush(stdout);
            std::fprintf(stderr, "[tend] %lld lines skipped\n",
                         static_cast<long long>(missed.count));
        }
    }
}

int run_logs(const LogsFlags& flags, CommandContext& ctx) {
    LogsArgs args = logs_args(flags);
    LogLineStyle style{flags.raw, flags.timestamp, ctx.colour_out, flags.json};
    Client client = ctx.connect();
    client.send(ctx.request, args);
    std::optional<Response> reply;
    do {
        reply = client.next();
        // Ahead of the tail: a log file that is full (the app's output is held).
        if (reply && reply->is_event() && reply->event == "warning")
            std::fprintf(stderr, "tend: warning: %s\n",
                         reply->data.value("message", std::string()).c_str());
    } while (reply && reply->is_event());
    if (!reply)
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "the daemon closed the connection without replying");
    auto result = decode_result<LogsResult>(result_of(*reply));
    std::string tail;
    for (const auto& line : result.tail) tail += render_log_line(line, style);
    print_now(tail);
    if (!result.following) return 0;
    exit_on_interrupt();
    return follow(client, style);
}

}  // namespace

CommandRunner setup_logs(CLI::App& app) {
    auto f = std::make_shared<LogsFlags>();
    app.add_option("target", f->target, "an instance id, an app name, or 'all'")
        ->type_name("TARGET");
    app.add_option_function<std::string>(
           "--instance", [f](const std::string& text) { f->instance = text; },
           "only instance index N (of the named app, or of every app)")
        ->type_name("N")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    add_value_option(app, "--lines", f->lines,
                     "lines of history per instance, stdout and stderr together (default 15)", "N")
        ->each([f](const std::string&) { f->lines_given = true; });
    app.add_option_function<std::string>(
           "--since", [f](const std::string& text) { f->since = text; },
           "only lines captured since a duration ago (10m: s, m, h, d) or a local time "
           "(2026-11-29T10:00)")
        ->type_name("WHEN")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option_function<std::string>(
           "--grep", [f](const std::string& text) { f->grep = text; },
           "only lines matching a POSIX extended regular expression")
        ->type_name("PATTERN")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("--out", f->out, "only stdout");
    app.add_flag("--err", f->err, "only stderr");
    app.add_flag("--nostream", f->nostream, "print the history and exit");
    app.add_flag("--raw", f->raw, "no id|name| prefix");
    app.add_flag("--timestamp", f->timestamp,
                 "prefix each live line with the time it was captured");
    app.add_flag("--json", f->json,
                 "each line as one JSON object {time, app, id, instance, stream, message}");
    return [f](CommandContext& ctx) { return run_logs(*f, ctx); };
}

}  // namespace tend
