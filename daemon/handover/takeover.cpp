// Taking over: the saved state first, then the processes it names.
#include "daemon/handover/takeover.h"

#include <dirent.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <optional>
#include <set>

#include "common/errors.h"
#include "common/json_limits.h"
#include "common/version.h"
#include "daemon/cluster/node_cluster.h"
#include "daemon/handover/table_state_json.h"
#include "daemon/metrics/proc_stat.h"
#include "daemon/process/process_table.h"
#include "daemon/process/uv_launcher.h"

namespace tend {
namespace {

std::string read_all(int fd) {
    std::string text;
    char chunk[65536];
    off_t at = 0;
    ssize_t n;
    while ((n = ::pread(fd, chunk, sizeof chunk, at)) > 0) {
        text.append(chunk, static_cast<std::size_t>(n));
        at += n;
    }
    return text;
}

// The parent of pid from /proc (0 when pid is gone).
int parent_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(in, text);
    std::optional<ProcStat> stat = parse_proc_stat(text);
    return stat ? stat->ppid : 0;
}

// The children of the keeper (our parent) other than us.
std::vector<int> keeper_children() {
    std::vector<int> out;
    int keeper = static_cast<int>(::getppid());
    DIR* dir = ::opendir("/proc");
    if (!dir) return out;
    while (dirent* e = ::readdir(dir)) {
        int pid = std::atoi(e->d_name);
        if (pid > 0 && pid != ::getpid() && parent_of(pid) == keeper) out.push_back(pid);
    }
    ::closedir(dir);
    return out;
}

SpawnRequest streams_of(const Instance& inst, const AppSpec& spec, const ProcessTable& table) {
    SpawnRequest r;
    r.id = inst.id;
    r.name = inst.app;
    r.instance = inst.index;
    r.out_log = inst.out_log;
    r.err_log = inst.err_log;
    r.log_format = log_format_of(spec.logs);
    r.rotation = table.rotation_of(spec);
    return r;
}

// Every process of the table reads its pipes and channel again. Returns
// the ones gone without a status we could see (they ended while a daemon
// handed over): a process is ours when it is still the keeper's child, for
// a pid the kernel gave to another process since would have another parent.
std::vector<int> adopt_processes(Handover& h, TakeoverParts p, std::set<int>& adopted,
                                 const std::set<int>& exited) {
    int keeper = static_cast<int>(::getppid());
    std::vector<int> lost;
    for (auto [id, pid] : p.table.processes()) {
        const Instance* inst = p.table.find(id);
        const App* app = inst ? p.table.find_app(inst->app) : nullptr;
        if (!app) continue;
        std::string n = std::to_string(pid);
        int out = h.take("out:" + n), err = h.take("err:" + n), ipc = h.take("ipc:" + n);
        try {
            p.launcher.adopt(streams_of(*inst, app->spec, p.table), pid, out, err, ipc);
        } catch (const TendError& e) {
            spdlog::error("cannot read the output of {} pid {} again: {}", inst->app, pid,
                          e.what());
        }
        adopted.insert(pid);
        if (parent_of(pid) != keeper && exited.count(pid) == 0) lost.push_back(pid);
    }
    return lost;
}

}  // namespace

std::string encode_state(const ProcessTable& table, const NodeCluster& cluster,
                         const KeeperLink& keeper) {
    std::string out = "{\"format\":" + std::to_string(kStateFormat) + ",\"version\":\"" + kVersion +
                      "\",\"table\":";
    append_table_state(out, table.view(), [&](int fd) { return keeper.name_of(fd); });
    out += ",\"cluster\":" + cluster.state().dump() + "}";
    return out;
}

int take_over(Handover& h, TakeoverParts p, const std::function<void(int pid)>& confirm) {
    // Without a keeper there is nothing to take over, and our parent is
    // whoever ran us (a shell): its other children are none of ours.
    if (!p.keeper.active()) return 0;
    int state_fd = h.take("state");
    std::set<int> adopted, exited;
    for (auto [pid, status] : h.exits) exited.insert(pid);
    if (state_fd >= 0) {
        p.keeper.drop("state");  // replaced by the first save
        // tendd's own words, but read as any JSON is: too deep is unreadable.
        json state = parse_json_limited(read_all(state_fd)).value;
        ::close(state_fd);
        std::optional<TableState> table;
        auto take = [&](const std::string& name) { return h.take(name); };
        try {
            if (!state.is_discarded() && state.value("format", 0) <= kStateFormat)
                table = table_state_from_json(state.at("table"), take);
        } catch (const json::exception& e) {
            spdlog::error("the state handed over cannot be read: {}", e.what());
        }
        if (!table) {
            // Nothing is known of what runs: leave it all running and held
            // (killing it could be worse), and start empty.
            spdlog::error(
                "starting with an empty table; the apps of the last daemon run on "
                "unsupervised (see `ps --ppid {}`)",
                ::getppid());
            return 0;
        }
        p.table.adopt(std::move(*table));
        // Channels first: a connection waiting in a backlog is dealt at once.
        std::vector<int> lost = adopt_processes(h, p, adopted, exited);
        try {
            p.cluster.adopt(state.value("cluster", json::object()), take,
                            [&](const std::string& name) { return p.keeper.fd_of(name); });
        } catch (const json::exception& e) {
            spdlog::error(
                "the cluster's state cannot be read ({}): workers are dealt no connection until "
                "they restart",
                e.what());
        }
        for (int pid : lost) {
            spdlog::warn("pid {} ended while no daemon watched; its status is lost", pid);
            p.launcher.on_keeper_exit(pid, SIGKILL);  // as a crash: its policy decides
        }
    }
    for (auto [pid, status] : h.exits) {
        if (p.launcher.on_keeper_exit(pid, status))
            confirm(pid);
        else
            p.keeper.forget(pid);  // a leftover's, or one a saved state already has
    }
    // What no saved state knows of: a process started in the turn the last
    // daemon died in, or a leftover of an instance. Its group goes.
    for (int pid : keeper_children()) {
        if (adopted.count(pid)) continue;
        spdlog::warn("pid {} is in no saved state: killing its process group", pid);
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    }
    for (auto& [name, fd] : h.fds) {
        if (name == "lock" || name == "control" || name == "notify") continue;
        ::close(fd);
        p.keeper.drop(name);
    }
    return static_cast<int>(adopted.size());
}

}  // namespace tend
