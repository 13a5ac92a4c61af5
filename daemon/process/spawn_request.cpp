// What a spawn of an instance needs, from its app's spec: the command line,
// the complete environment (the starting shell's, the app's --env, tend's
// own variables, the fds it inherits) and its log paths.
#include <unistd.h>

#include <filesystem>

#include "daemon/process/process_table.h"

namespace tend {
namespace {

// "app.log" → "app-3.log" for instance index 3: one file per instance when a
// custom path is shared. The index, not the id: ids change across daemon
// runs, and a file named after one would mix two instances' lines.
std::string with_index(const std::string& path, int index) {
    std::filesystem::path p(path);
    std::string stem = p.stem().string() + "-" + std::to_string(index) + p.extension().string();
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
// launcher's shim, once the pid is known. A Node cluster worker gets no
// socket: it asks the daemon (see add_worker_env).
void add_listen_env(SpawnRequest& r, const AppSpec& spec) {
    r.env["PORT"] = std::to_string(spec.listen.port);
    if (r.node_cluster) return;
    r.env["LISTEN_FDS"] = std::to_string(1);
    r.env["LISTEN_FDNAMES"] = spec.name;
    r.env["TEND_LISTEN_FD"] = std::to_string(3);
}

// PM2's per-instance variables: instance_var (NODE_APP_INSTANCE by default)
// holds the index; increment_var counts up from its value in the app's env.
void add_instance_vars(SpawnRequest& r, const AppSpec& spec) {
    r.env[spec.vars.instance_var] = std::to_string(r.instance);
    if (!spec.vars.increment_var.empty())
        r.env[spec.vars.increment_var] = incremented_value(spec, r.env, r.instance);
}

// NODE_UNIQUE_ID (its worker id) makes Node a cluster worker: each listen()
// asks the primary, tendd, over the IPC channel, whatever it listens on.
void add_worker_env(SpawnRequest& r) {
    if (r.node_cluster) r.env["NODE_UNIQUE_ID"] = std::to_string(r.id);
}

// tend-runtime's lines: labelled text, or JSON lines (which name their app).
LogFormat console_format(const ConsoleLogs& console) {
    LogFormat format;
    if (!console.json) {
        format.label = true;
        return format;
    }
    format.type = LogType::kJson;
    format.date_format = kJsonTimeFormat;
    format.utc = true;
    return format;
}

}  // namespace

std::pair<std::string, std::string> ProcessTable::log_paths(const AppSpec& spec, int index) const {
    const LogOptions& logs = spec.logs;
    if (config_.console.on) return {kConsoleOut, config_.console.err_path()};
    std::string suffix;
    if (!logs.merge_logs) suffix.append("-").append(std::to_string(index));
    std::string out = config_.log_dir + "/" + spec.name + "-out" + suffix + ".log";
    std::string err = config_.log_dir + "/" + spec.name + "-err" + suffix + ".log";
    bool shared = spec.instances > 1 && !logs.merge_logs;
    if (!logs.out_file.empty()) out = shared ? with_index(logs.out_file, index) : logs.out_file;
    if (!logs.error_file.empty())
        err = shared ? with_index(logs.error_file, index) : logs.error_file;
    return {out, err};
}

RotationPolicy ProcessTable::rotation_of(const AppSpec& spec) const {
    return resolve_rotation(spec.logs.rotation, config_.log_rotation);
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
    r.node_cluster = runs_node_workers(spec, r.env);
    // The preload makes an unmodified server.listen(port) use the inherited socket.
    if (node && sharing == PortSharing::kInherit)
        r.argv.insert(r.argv.begin() + 1, {"--require", config_.node_preload});
    r.env["TEND_ID"] = std::to_string(inst.id);
    r.env["TEND_INSTANCE"] = std::to_string(inst.index);
    add_instance_vars(r, spec);
    r.env["TEND_APP_NAME"] = inst.app;
    r.env["TEND_HOME"] = config_.home;
    add_channel_env(r, node, config_.notify_socket);
    add_worker_env(r);
    if (r.listen_fd >= 0) add_listen_env(r, spec);
    r.out_log = inst.out_log;
    r.err_log = inst.err_log;
    r.log_format = config_.console.on ? console_format(config_.console) : log_format_of(spec.logs);
    r.rotation = rotation_of(spec);
    r.run_as = resolve_run_as(spec.run_as, ::geteuid());
    return r;
}

}  // namespace tend
