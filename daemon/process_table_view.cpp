// Reading the process table: targets to ids, instance infos for list and
// describe, and what a spawn of an instance needs (argv, env, log paths).
#include <algorithm>
#include <filesystem>

#include "common/errors.h"
#include "common/signals.h"
#include "common/text.h"
#include "daemon/process_table.h"

namespace tend {
namespace {

void append_unique(std::vector<int>& out, int id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

// "app.log" → "app-3.log": one file per instance when a custom path is shared.
std::string with_id(const std::string& path, int id) {
    std::filesystem::path p(path);
    std::string stem = p.stem().string() + "-" + std::to_string(id) + p.extension().string();
    return (p.parent_path() / stem).string();
}

// The IPC channel, for process.send in Node (as child_process.fork sets it
// up) and as TEND_IPC_FD for any program; sd_notify's socket.
void add_channel_env(SpawnRequest& r, bool node, const std::string& notify_socket) {
    // Inherited from the shell that started tend they would name fds the
    // instance does not have.
    for (const char* key :
         {"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NODE_CHANNEL_FD",
          "NODE_CHANNEL_SERIALIZATION_MODE", "NODE_UNIQUE_ID", "NOTIFY_SOCKET", "TEND_LISTEN_FD"})
        r.env.erase(key);
    std::string fd = std::to_string(r.ipc_fd_number());
    r.env["TEND_IPC_FD"] = fd;
    if (node) {
        r.env["NODE_CHANNEL_FD"] = fd;
        r.env["NODE_CHANNEL_SERIALIZATION_MODE"] = "json";
    }
    if (!notify_socket.empty()) r.env["NOTIFY_SOCKET"] = notify_socket;
}

// systemd's socket activation: one socket, at fd 3. LISTEN_PID is set by the
// spawner's shim, once the pid is known. A Node cluster worker gets no
// socket: NODE_UNIQUE_ID (its worker id) makes Node ask the daemon.
void add_listen_env(SpawnRequest& r, const AppSpec& spec) {
    r.env["PORT"] = std::to_string(spec.listen.port);
    if (r.node_cluster) {
        r.env["NODE_UNIQUE_ID"] = std::to_string(r.id);
        return;
    }
    r.env["LISTEN_FDS"] = "1";
    r.env["LISTEN_FDNAMES"] = spec.name;
    r.env["TEND_LISTEN_FD"] = "3";
}

}  // namespace

std::vector<int> ProcessTable::resolve(const std::vector<std::string>& targets,
                                       bool allow_empty) const {
    if (targets.empty()) {
        if (allow_empty) return all_ids();
        throw TendError(ErrorCode::kBadRequest, "no target given (an id, an app name or 'all')");
    }
    std::vector<int> ids;
    for (const auto& target : targets) {
        if (target == "all") {
            for (int id : all_ids()) append_unique(ids, id);
        } else if (auto app = apps_.find(target); app != apps_.end()) {
            for (int id : app->second.ids) append_unique(ids, id);
        } else if (auto n = parse_int(target); n && instances_.count(static_cast<int>(*n))) {
            append_unique(ids, static_cast<int>(*n));
        } else {
            throw TendError(ErrorCode::kNotFound,
                            "no app or id '" + target + "'" + suggestion(target));
        }
    }
    return ids;
}

std::string ProcessTable::suggestion(const std::string& word) const {
    auto guess = closest_match(word, app_order_);
    return guess ? " (did you mean '" + *guess + "'?)" : "";
}

const App& ProcessTable::app_named(const std::string& name) const {
    auto it = apps_.find(name);
    if (it == apps_.end())
        throw TendError(ErrorCode::kNotFound, "no app named '" + name + "'" + suggestion(name));
    return it->second;
}

std::vector<AppSpec> ProcessTable::specs() const {
    std::vector<AppSpec> out;
    for (const auto& name : app_order_) out.push_back(apps_.at(name).spec);
    return out;
}

std::vector<int> ProcessTable::all_ids() const {
    std::vector<int> ids;
    ids.reserve(instances_.size());
    for (const auto& [id, inst] : instances_) ids.push_back(id);
    return ids;
}

std::vector<std::pair<int, int>> ProcessTable::running() const {
    std::vector<std::pair<int, int>> out;
    for (const auto& [id, inst] : instances_)
        if (inst.pid != 0) out.emplace_back(id, inst.pid);
    return out;
}

InstanceInfo ProcessTable::info(int id, bool with_spec, bool with_history) const {
    const Instance& inst = instances_.at(id);
    const AppSpec& spec = apps_.at(inst.app).spec;
    InstanceInfo i;
    i.id = inst.id;
    i.name = inst.app;
    i.instance = inst.index;
    i.mode = spec.instances > 1 ? "cluster" : "fork";
    i.pid = inst.pid;
    i.status = inst.state;
    i.restarts = inst.restarts;
    i.unstable_restarts = inst.history.unstable_restarts;
    i.created_at = inst.created_wall_ms;
    i.started_at = inst.started_wall_ms;
    bool up = inst.state == InstanceState::kOnline || inst.state == InstanceState::kLaunching;
    i.uptime_ms = up ? clock_.now_ms() - inst.started_ms : 0;
    i.cpu = inst.cpu;
    i.memory = inst.memory;
    i.exit_code = inst.exit_code;
    if (inst.exit_signal) i.exit_signal = signal_name(*inst.exit_signal);
    i.out_log = inst.out_log;
    i.err_log = inst.err_log;
    i.restart_reason = inst.last_reason.kind;
    i.restart_reason_detail = inst.last_reason.detail;
    if (with_history) {
        i.cpu_history.assign(inst.metrics.cpu.begin(), inst.metrics.cpu.end());
        i.memory_history.assign(inst.metrics.memory.begin(), inst.metrics.memory.end());
    }
    if (with_spec) {
        i.spec = spec;
        i.spec->base_env.clear();  // the shell's whole environment is noise here
    }
    return i;
}

std::vector<InstanceInfo> ProcessTable::infos(const std::vector<int>& ids, bool with_spec,
                                              bool with_history) const {
    std::vector<InstanceInfo> out;
    out.reserve(ids.size());
    for (int id : ids)
        if (instances_.count(id)) out.push_back(info(id, with_spec, with_history));
    return out;
}

std::pair<std::string, std::string> ProcessTable::log_paths(const AppSpec& spec, int id) const {
    const LogOptions& logs = spec.logs;
    std::string suffix = logs.merge_logs ? "" : "-" + std::to_string(id);
    std::string out = config_.log_dir + "/" + spec.name + "-out" + suffix + ".log";
    std::string err = config_.log_dir + "/" + spec.name + "-err" + suffix + ".log";
    bool shared = spec.instances > 1 && !logs.merge_logs;
    if (!logs.out_file.empty()) out = shared ? with_id(logs.out_file, id) : logs.out_file;
    if (!logs.error_file.empty()) err = shared ? with_id(logs.error_file, id) : logs.error_file;
    return {out, err};
}

const std::map<std::string, std::string>& ProcessTable::starting_env(const AppSpec& spec) const {
    return spec.base_env.empty() ? config_.default_env : spec.base_env;
}

SpawnRequest ProcessTable::spawn_request(const Instance& inst) const {
    const App& app = apps_.at(inst.app);
    const AppSpec& spec = app.spec;
    SpawnRequest r;
    r.id = inst.id;
    r.name = inst.app;
    r.instance = inst.index;
    r.argv = command_line(spec);
    r.listen_fd = app.listen_fd;
    bool node = runs_node(spec);
    r.cwd = spec.cwd;
    r.env = starting_env(spec);
    for (const auto& [k, v] : spec.env) r.env[k] = v;
    PortSharing sharing = port_sharing(spec, r.env);
    r.node_cluster = sharing == PortSharing::kRoundRobin;
    // The preload makes an unmodified server.listen(port) use the inherited socket.
    if (node && sharing == PortSharing::kInherit)
        r.argv.insert(r.argv.begin() + 1, {"--require", config_.node_preload});
    r.env["TEND_ID"] = std::to_string(inst.id);
    r.env["TEND_INSTANCE"] = std::to_string(inst.index);
    r.env["NODE_APP_INSTANCE"] = std::to_string(inst.index);
    r.env["TEND_APP_NAME"] = inst.app;
    r.env["TEND_HOME"] = config_.home;
    add_channel_env(r, node, config_.notify_socket);
    if (r.listen_fd >= 0) add_listen_env(r, spec);
    r.out_log = inst.out_log;
    r.err_log = inst.err_log;
    r.timestamp = spec.logs.time;
    return r;
}

}  // namespace tend
