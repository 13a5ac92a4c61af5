// The cluster's side of a hand-over: which worker listens where, so a new
// daemon deals the same sockets' connections to the same workers. What was
// in flight (connections handed over and not yet answered for) is not
// carried: each worker already has its copy, and answers for them go
// unmatched, which is harmless.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "daemon/cluster/connection_balancer.h"
#include "daemon/cluster/node_cluster.h"
#include "daemon/handover/keeper_link.h"

namespace tend {

json NodeCluster::state() const {
    std::map<std::string, std::string> port_names;  // balancer key → its app's --port socket
    for (const auto& [fd, key] : app_ports_) port_names[key] = keeper_ ? keeper_->name_of(fd) : "";
    json workers = json::array();
    for (const auto& [pid, w] : workers_) {
        workers.push_back({{"pid", pid},
                           {"app", w.app},
                           {"port", w.app_fd >= 0 && keeper_ ? keeper_->name_of(w.app_fd) : ""},
                           {"balancers", w.balancers},
                           {"shared", w.shared},
                           {"disconnecting", w.disconnecting}});
    }
    json balancers = json::array();
    for (const auto& [key, b] : balancers_) {
        json members = json::array();
        for (auto [pid, retired] : b->members()) members.push_back({pid, retired});
        auto app = balancer_apps_.find(key);
        balancers.push_back({{"key", key},
                             {"app", app == balancer_apps_.end() ? "" : app->second},
                             {"port", port_names.count(key) ? port_names[key] : ""},
                             {"members", members}});
    }
    json shared = json::array();
    for (const auto& [key, s] : shared_)
        shared.push_back({{"key", key}, {"path", s.path}, {"app", s.app}, {"users", s.users}});
    return {{"workers", workers}, {"balancers", balancers}, {"shared", shared}};
}

void NodeCluster::adopt(const json& state, const std::function<int(const std::string&)>& take,
                        const std::function<int(const std::string&)>& port_fd) {
    for (const json& j : state.value("balancers", json::array())) {
        std::string key = j.at("key").get<std::string>();
        int fd = take("balancer:" + key);
        if (fd < 0) {
            spdlog::warn("the socket of {} was not handed over", key);
            continue;
        }
        ConnectionBalancer* b = ConnectionBalancer::open(
            loop_, fd,
            [this](int pid, const std::string& k, int conn) { return hand_off(k, pid, conn); });
        if (!b) continue;
        balancers_[key] = b;
        balancer_apps_[key] = j.value("app", "");
        if (std::string port = j.value("port", ""); !port.empty() && port_fd(port) >= 0)
            app_ports_[port_fd(port)] = key;
        for (const json& m : j.value("members", json::array())) {
            int pid = m.at(0).get<int>();
            b->add(pid, key);
            if (m.at(1).get<bool>()) b->retire(pid);
        }
    }
    for (const json& j : state.value("shared", json::array())) {
        std::string key = j.at("key").get<std::string>();
        int fd = take("shared:" + key);
        if (fd < 0) continue;
        SharedSocket& s = shared_[key] =
            SharedSocket{fd, j.value("path", ""), j.value("app", ""), {}};
        for (const json& pid : j.value("users", json::array())) s.users.insert(pid.get<int>());
    }
    for (const json& j : state.value("workers", json::array())) {
        Worker& w = workers_[j.at("pid").get<int>()] = Worker{};
        w.app = j.value("app", "");
        std::string port = j.value("port", "");
        w.app_fd = port.empty() ? -1 : port_fd(port);
        w.balancers = j.value("balancers", std::vector<std::string>{});
        w.shared = j.value("shared", std::vector<std::string>{});
        w.disconnecting = w.disconnect_sent = j.value("disconnecting", false);
    }
}

}  // namespace tend
