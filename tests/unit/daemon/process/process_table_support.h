// What the process table's unit tests share: fake seams (launcher, socket
// broker, messenger), a fake clock, app specs, and a table wired to them.
#pragma once

#include <doctest/doctest.h>

#include <csignal>
#include <map>

#include "common/errors.h"
#include "daemon/process/process_table.h"

namespace tend::tabletest {

class FakeClock : public Clock {
  public:
    std::int64_t now = 1000;
    std::int64_t wall_shift = 0;  // the wall clock set forward or back (NTP, a user)
    std::int64_t now_ms() override { return now; }
    std::int64_t wall_ms() override { return 1700000000000 + now + wall_shift; }
};

class FakeLauncher : public Launcher {
  public:
    int next_pid = 100;
    bool fail = false;
    std::vector<SpawnRequest> spawned;
    std::vector<std::pair<int, int>> signals;  // (pid, sig)

    int spawn(const SpawnRequest& r) override {
        if (fail) throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': nope");
        spawned.push_back(r);
        return next_pid++;
    }
    void signal_group(int pid, int sig) override { signals.emplace_back(pid, sig); }
    void signal_process(int pid, int sig) override { process_signals.emplace_back(pid, sig); }
    std::vector<std::pair<int, int>> process_signals;  // (pid, sig), to the process alone
    bool signalled(int pid, int sig) const {
        for (auto [p, s] : signals)
            if (p == pid && s == sig) return true;
        return false;
    }
};

class FakeSockets : public SocketBroker {
  public:
    std::vector<std::pair<std::string, int>> listeners;  // (host, port)
    std::vector<int> closed_listeners;
    std::map<int, std::string> workers;  // pid → app, while a Node cluster worker
    std::vector<int> retired;
    std::vector<int> disconnected;  // told to disconnect, as Node's worker.disconnect()

    int open_listener(const std::string& host, int port) override {
        if (port == 1) throw TendError(ErrorCode::kSpawnFailed, "cannot listen on :1: in use");
        listeners.emplace_back(host, port);
        return 50 + static_cast<int>(listeners.size());
    }
    void close_listener(int fd) override { closed_listeners.push_back(fd); }
    void add_worker(int pid, const std::string& app, int) override { workers[pid] = app; }
    void retire_worker(int pid) override { retired.push_back(pid); }
    void remove_worker(int pid) override { workers.erase(pid); }
    bool disconnect_worker(int pid) override {
        if (!workers.count(pid)) return false;
        disconnected.push_back(pid);
        return true;
    }
};

class FakeMessenger : public Messenger {
  public:
    std::vector<std::pair<int, std::string>> messages;  // (pid, line)
    bool send_message(int pid, const std::string& line) override {
        messages.emplace_back(pid, line);
        return true;
    }
};

inline AppSpec app(const std::string& name, int instances = 1) {
    AppSpec s;
    s.name = name;
    s.script = "/bin/app";
    s.interpreter = "none";
    s.instances = instances;
    return s;
}

// A Node script (node chosen by its extension) sharing port 8000.
inline AppSpec node_app_on_port(const std::string& name) {
    AppSpec s = app(name);
    s.script = "/srv/app.js";
    s.interpreter = "";
    s.listen.port = 8000;
    return s;
}

struct Fixture {
    FakeClock clock;
    FakeLauncher launcher;
    FakeSockets sockets;
    FakeMessenger messenger;
    int usable_cpus = 3;  // what -i max comes to
    ProcessTable table{TableSeams{launcher, sockets, messenger, clock},
                       TableConfig{"/home/t",
                                   "/home/t/logs",
                                   {{"PATH", "/bin"}},
                                   "/share/preload.js",
                                   "/home/t/notify.sock",
                                   {},
                                   {},
                                   [this] { return usable_cpus; },
                                   {}}};
    // What the table told its watcher, in order: the next deadline each time.
    std::vector<std::optional<std::int64_t>> told;
    Fixture() {
        table.watch([this](std::optional<std::int64_t> next) { told.push_back(next); });
    }
    InstanceState state(int id) { return table.find(id)->state; }
    int pid(int id) { return table.find(id)->pid; }
};

}  // namespace tend::tabletest
