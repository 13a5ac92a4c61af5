// Every control command's handler, one file each under daemon/handlers/.
#pragma once

#include "common/messages.h"
#include "daemon/control/dispatcher.h"

namespace tend {
class LineGrep;
}

namespace tend::handlers {

std::optional<json> ping(const Request& request, Context& ctx);
std::optional<json> start(const Request& request, Context& ctx);
std::optional<json> stop(const Request& request, Context& ctx);
std::optional<json> update(const Request& request, Context& ctx);
std::optional<json> restart(const Request& request, Context& ctx);
std::optional<json> remove(const Request& request, Context& ctx);  // "delete"
std::optional<json> list(const Request& request, Context& ctx);
std::optional<json> describe(const Request& request, Context& ctx);
std::optional<json> logs(const Request& request, Context& ctx);
std::optional<json> flush(const Request& request, Context& ctx);
std::optional<json> reload_logs(const Request& request, Context& ctx);
// What reloadLogs and SIGUSR2 do: read config.json again (its rotation
// defaults apply to every app's files), then reopen every log file. Throws
// TendError when config.json cannot be used, after reopening.
std::size_t reopen_logs(Services& services);
std::optional<json> kill(const Request& request, Context& ctx);
std::optional<json> monit(const Request& request, Context& ctx);
std::optional<json> reload(const Request& request, Context& ctx);
std::optional<json> scale(const Request& request, Context& ctx);
std::optional<json> send(const Request& request, Context& ctx);
std::optional<json> events(const Request& request, Context& ctx);
std::optional<json> save(const Request& request, Context& ctx);
std::optional<json> resurrect(const Request& request, Context& ctx);
std::optional<json> cleardump(const Request& request, Context& ctx);
std::optional<json> env(const Request& request, Context& ctx);
std::optional<json> reset(const Request& request, Context& ctx);
std::optional<json> send_signal(const Request& request, Context& ctx);  // "signal"

// Counts this client among the followers (limits::kMaxStreams) until it
// goes; throws kLimitExceeded. Called before the reply, so a refused client
// gets an error, not a stream that never comes.
void admit_stream(Context& ctx);

// The ids query names (target_resolver.h); its warnings go to the client as
// "warning" events before the reply.
std::vector<int> resolve_query(const TargetQuery& query, bool allow_empty, Context& ctx);
TargetQuery query_of(const TargetsArgs& args);

// The ids of the errored instances among infos: the ones a restart, reload
// or scale could not spawn; shared by lifecycle and scale.
std::vector<int> errored_ids(const std::vector<InstanceInfo>& infos);

// Applies the new specs and environment of a restart or reload (any app
// of args.specs, and with update_env every app of ids) before its
// instances are replaced; returns the ids that scaling to a new instance
// count added or is removing. Checks every spec before it applies one.
std::vector<int> apply_spec_updates(const SpecUpdateArgs& args, const std::vector<int>& ids,
                                    ProcessTable& table);

// The last args.lines lines of each instance of ids, its stdout and stderr
// in the order they were written (a merged file once, under its app with no
// instance), filtered by args.instance, args.streams, args.since_ms and
// grep (when not null); shared by logs and monit.
LogsResult read_tail(const LogsArgs& args, const std::vector<int>& ids, Context& ctx,
                     const LineGrep* grep);
LogsResult read_tail(const LogsArgs& args, const std::vector<int>& ids, Context& ctx);

}  // namespace tend::handlers
