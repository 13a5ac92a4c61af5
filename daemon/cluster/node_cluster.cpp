// Answering Node cluster workers: listen requests, connection hand-offs and
// their acknowledgements.
#include "daemon/cluster/node_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/cluster/connection_balancer.h"
#include "daemon/cluster/listener.h"
#include "daemon/handover/keeper_link.h"

namespace tend {
namespace {

// What server.address() shows in the worker: the socket's own address.
json sockname(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return nullptr;
    char text[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        return {{"address", text}, {"family", "IPv6"}, {"port", ntohs(a->sin6_port)}};
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    return {{"address", text}, {"family", "IPv4"}, {"port", ntohs(a->sin_port)}};
}

// The start of the answer to a worker's request: Node matches it to the
// request by its seq, and hands data back to the server (TLS ticket keys).
json reply_to(const NodeMessage& request) {
    return {{"cmd", "NODE_CLUSTER"}, {"ack", request.seq}, {"data", request.data}};
}

int local_port(int fd) {
    json name = sockname(fd);
    return name.is_object() ? name["port"].get<int>() : -1;
}

// The keys of a map of sockets, to go over while closing some.
template <typename Map>
std::vector<std::string> socket_keys(const Map& sockets) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : sockets) keys.push_back(key);
    return keys;
}

}  // namespace

NodeCluster::NodeCluster(uv_loop_t* loop, Send send) : loop_(loop), send_(std::move(send)) {}

NodeCluster::~NodeCluster() = default;

void NodeCluster::add_worker(int pid, const std::string& app, int app_fd) {
    Worker& w = workers_[pid] = Worker{};
    w.app = app;
    w.app_fd = app_fd;
}

void NodeCluster::on_message(int pid, const json& message) {
    auto w = workers_.find(pid);
    if (w == workers_.end()) return;
    NodeMessage m = parse_node_message(message);
    switch (m.act) {
        case NodeAct::kHandleAck:
        case NodeAct::kHandleNack:
            return on_delivery(pid, m.act == NodeAct::kHandleAck);
        case NodeAct::kAnswer:
            return on_answer(pid, m);
        case NodeAct::kQueryServer:
            return query_server(pid, w->second, m);
        case NodeAct::kClose:
            return close_server(pid, w->second, m);
        case NodeAct::kOther:
            return;  // "online" and "listening" tell nothing the daemon needs
    }
}

// The balancer for the address a worker's listen() asked for, opened on
// first use; null with a negated errno when tend cannot serve it.
ConnectionBalancer* NodeCluster::balancer_for(const Worker& w, const NodeMessage& m,
                                              std::string& key, int& error) {
    int type = m.address_type == 6 ? 6 : 4;  // query_server sent only TCP here
    int port = m.port.value_or(-1);
    const std::string& address = m.address;
    if (w.app_fd >= 0 && port == local_port(w.app_fd)) {
        auto [known, first] = app_ports_.try_emplace(w.app_fd, w.app + ":" + std::to_string(port));
        key = known->second;
        if (!first) return balancers_[key];
        // A copy of its own, so the app's socket outlives a closed balancer.
        int copy = ::fcntl(w.app_fd, F_DUPFD_CLOEXEC, 0);
        error = copy < 0 ? -errno : -ENOMEM;
        ConnectionBalancer* b = copy < 0 ? nullptr : open_balancer(copy, key);
        if (!b) {
            spdlog::warn("{}: cannot deal the connections of port {}", w.app, port);
            app_ports_.erase(known);
            return nullptr;
        }
        balancer_apps_[key] = w.app;
        return balancers_[key] = b;
    }
    key = w.app + ":" + address + ":" + std::to_string(port) + ":" + std::to_string(type);
    if (auto it = balancers_.find(key); it != balancers_.end()) return it->second;
    ListenResult bound =
        listen_tcp(address.empty() ? (type == 6 ? "::" : "0.0.0.0") : address, port < 0 ? 0 : port);
    if (bound.fd < 0) {
        spdlog::warn("{}: a worker's listen on {}:{} failed: {}", w.app, address, port,
                     bound.reason);
        error = bound.error;
        return nullptr;
    }
    ConnectionBalancer* b = open_balancer(bound.fd, key);
    if (!b) {
        error = -ENOMEM;
        return nullptr;
    }
    balancer_apps_[key] = w.app;
    return balancers_[key] = b;
}

ConnectionBalancer* NodeCluster::open_balancer(int listen_fd, const std::string& key) {
    if (keeper_) keeper_->hold("balancer:" + key, listen_fd);
    ConnectionBalancer* b = ConnectionBalancer::open(
        loop_, listen_fd,
        [this](int pid, const std::string& key, int fd) { return hand_off(key, pid, fd); });
    if (!b && keeper_) keeper_->release(listen_fd);
    return b;
}

void NodeCluster::close_balancer(ConnectionBalancer* b) {
    if (keeper_) keeper_->release(b->listen_fd());
    b->close();
}

void NodeCluster::close_shared(const SharedSocket& s, bool keep_path) {
    if (keeper_) keeper_->release(s.fd);
    ::close(s.fd);
    if (!keep_path && !s.path.empty()) ::unlink(s.path.c_str());
}

// TCP ports are dealt out connection by connection; anything else is shared.
void NodeCluster::query_server(int pid, Worker& w, const NodeMessage& m) {
    if (m.address_type == 4 || m.address_type == 6)
        query_balanced(pid, w, m);
    else
        query_shared(pid, w, m);
}

void NodeCluster::query_balanced(int pid, Worker& w, const NodeMessage& m) {
    std::string key;
    int error = 0;
    ConnectionBalancer* b = balancer_for(w, m, key, error);
    if (b && !b->can_add(pid)) {
        b = nullptr;
        error = -EADDRINUSE;
    }
    json reply = reply_to(m);
    if (b) {
        reply["errno"] = nullptr;
        reply["key"] = key;
        reply["sockname"] = sockname(b->listen_fd());
    } else {
        reply["errno"] = error;
    }
    send_(pid, reply.dump(), -1);
    if (!b) return;
    // After the reply: a connection may be handed over at once.
    b->add(pid, key);
    w.balancers.push_back(key);
}

// The socket for a UDP port or a Unix socket path, bound on first use;
// null with a negated errno when it cannot be.
NodeCluster::SharedSocket* NodeCluster::shared_socket(const Worker& w, const NodeMessage& m,
                                                      std::string& key, int& error) {
    const json& type = m.address_type;
    const std::string& address = m.address;
    int port = m.port.value_or(0);
    bool pipe = type == -1;
    if (!pipe && type != "udp4" && type != "udp6") {
        error = -EOPNOTSUPP;
        return nullptr;
    }
    key = w.app + ":" + address;
    if (!pipe) key.append(":").append(std::to_string(port)).append(":").append(type.dump());
    if (auto it = shared_.find(key); it != shared_.end()) return &it->second;
    constexpr int kReuseAddress = 4;  // libuv's UV_UDP_REUSEADDR, as dgram's reuseAddr sets it
    std::string host = address.empty() ? (type == "udp6" ? "::" : "0.0.0.0") : address;
    ListenResult bound =
        pipe ? listen_unix(address) : bind_udp(host, port, m.flags & kReuseAddress);
    if (bound.fd < 0) {
        spdlog::warn("{}: a worker's listen on {} {} failed: {}", w.app, address, port,
                     bound.reason);
        error = bound.error;
        return nullptr;
    }
    if (keeper_) keeper_->hold("shared:" + key, bound.fd);
    return &(shared_[key] = SharedSocket{bound.fd, pipe ? address : "", w.app, {}});
}

// UDP ports and Unix socket paths: the socket itself goes to every worker
// that asks, with the reply, as Node's primary does (its SharedHandle).
void NodeCluster::query_shared(int pid, Worker& w, const NodeMessage& m) {
    std::string key;
    int error = 0;
    SharedSocket* s = shared_socket(w, m, key, error);
    json reply = reply_to(m);
    if (!s) {
        reply["errno"] = error;
        send_(pid, reply.dump(), -1);
        return;
    }
    reply["errno"] = nullptr;
    reply["key"] = key;
    bool udp = s->path.empty();
    json message{
        {"cmd", "NODE_HANDLE"}, {"type", udp ? "dgram.Native" : "net.Native"}, {"msg", reply}};
    s->users.insert(pid);
    w.shared.push_back(key);
    if (send_(pid, message.dump(), s->fd))
        w.awaiting_delivery.push_back("");  // its acknowledgement is no connection's
    else
        release_shared(pid, key);
}

// As a balancer's port, a shared socket stays bound while its app has a
// worker, so a reload's replacement finds it (see drop_if_unused).
void NodeCluster::release_shared(int pid, const std::string& key) {
    auto it = shared_.find(key);
    if (it == shared_.end()) return;
    it->second.users.erase(pid);
    if (!it->second.users.empty() || has_worker_of(it->second.app)) return;
    close_shared(it->second, false);
    shared_.erase(it);
}

void NodeCluster::close_server(int pid, Worker&, const NodeMessage& m) {
    const std::string& key = m.key;
    auto it = balancers_.find(key);
    if (it != balancers_.end()) it->second->retire(pid);
    if (shared_.count(key)) release_shared(pid, key);
}

void NodeCluster::on_answer(int pid, const NodeMessage& m) {
    auto it = answers_.find(m.ack);
    if (it == answers_.end() || it->second.pid != pid) return;
    std::string balancer = it->second.balancer;
    answers_.erase(it);
    if (auto b = balancers_.find(balancer); b != balancers_.end())
        b->second->answered(pid, m.accepted);
    send_disconnect_when_answered(pid);
}

void NodeCluster::on_delivery(int pid, bool received) {
    auto& queue = workers_[pid].awaiting_delivery;
    if (queue.empty()) return;
    std::string balancer = queue.front();
    queue.pop_front();
    if (balancer.empty()) return;  // a shared socket's
    auto b = balancers_.find(balancer);
    if (b == balancers_.end()) return;
    if (received) {
        b->second->delivered(pid);
    } else {
        b->second->lost(pid);
        send_disconnect_when_answered(pid);  // a lost connection needs no answer
    }
}

// A worker knows each socket by the key of its balancer.
bool NodeCluster::hand_off(const std::string& key, int pid, int fd) {
    long seq = ++seq_;
    json message{
        {"cmd", "NODE_HANDLE"},
        {"type", "net.Native"},
        {"msg", {{"cmd", "NODE_CLUSTER"}, {"act", "newconn"}, {"key", key}, {"seq", seq}}}};
    if (!send_(pid, message.dump(), fd)) return false;
    answers_[seq] = PendingAnswer{pid, key};
    workers_[pid].awaiting_delivery.push_back(key);
    return true;
}

void NodeCluster::retire(int pid) {
    auto w = workers_.find(pid);
    if (w == workers_.end()) return;
    for (const auto& key : w->second.balancers)
        if (auto b = balancers_.find(key); b != balancers_.end()) b->second->retire(pid);
}

bool NodeCluster::disconnect(int pid) {
    auto w = workers_.find(pid);
    // A worker that never listened holds no connection: nothing to drain.
    if (w == workers_.end() || (w->second.balancers.empty() && w->second.shared.empty()))
        return false;
    retire(pid);
    w->second.disconnecting = true;
    send_disconnect_when_answered(pid);
    return true;
}

// A connection handed over but not yet answered for is still on its way
// into the worker's server. Once every one is answered, each was taken (or
// refused, and passed on by its balancer) before the servers close: none is
// in flight, and what the worker took, its closing servers finish serving.
void NodeCluster::send_disconnect_when_answered(int pid) {
    auto w = workers_.find(pid);
    if (w == workers_.end() || !w->second.disconnecting || w->second.disconnect_sent) return;
    for (const auto& key : w->second.balancers)
        if (auto b = balancers_.find(key); b != balancers_.end() && b->second->unanswered(pid) > 0)
            return;
    w->second.disconnect_sent = true;
    json message{{"cmd", "NODE_CLUSTER"}, {"act", "disconnect"}, {"seq", ++seq_}};
    send_(pid, message.dump(), -1);
}

void NodeCluster::remove(int pid) {
    auto w = workers_.find(pid);
    if (w == workers_.end()) return;
    std::vector<std::string> keys = std::move(w->second.balancers);
    workers_.erase(w);
    for (auto it = answers_.begin(); it != answers_.end();)
        it = it->second.pid == pid ? answers_.erase(it) : std::next(it);
    for (const auto& key : keys)
        if (auto b = balancers_.find(key); b != balancers_.end()) b->second->remove(pid);
    // Any of the app's sockets may have lost its last user, even one pid
    // never listened on (a replacement that died before it did).
    for (const auto& key : socket_keys(shared_)) release_shared(pid, key);
    for (const auto& key : socket_keys(balancers_)) drop_if_unused(key);
}

// A port bound on a worker's request lives while a worker of its app does,
// listening or not yet: a reload's replacement that has not reached its
// listen() finds the port still bound, and the connections that came
// meanwhile wait in its backlog instead of being refused. The app's --port
// lives as long as the app.
void NodeCluster::drop_if_unused(const std::string& key) {
    for (const auto& [fd, app_key] : app_ports_)
        if (app_key == key) return;
    auto b = balancers_.find(key);
    if (b == balancers_.end() || b->second->has_workers()) return;
    if (has_worker_of(balancer_apps_[key])) return;
    close_balancer(b->second);
    balancers_.erase(b);
    balancer_apps_.erase(key);
}

bool NodeCluster::has_worker_of(const std::string& app) const {
    for (const auto& [pid, w] : workers_)
        if (w.app == app) return true;
    return false;
}

void NodeCluster::forget_listener(int app_fd) {
    auto it = app_ports_.find(app_fd);
    if (it == app_ports_.end()) return;
    if (auto b = balancers_.find(it->second); b != balancers_.end()) {
        close_balancer(b->second);
        balancers_.erase(b);
    }
    balancer_apps_.erase(it->second);
    app_ports_.erase(it);
}

// On a hand-over the keeper keeps its copies for the next daemon; on a
// shutdown it is about to end, and nothing needs them.
void NodeCluster::close(bool keep_paths) {
    for (auto& [key, b] : balancers_) b->close();
    balancers_.clear();
    balancer_apps_.clear();
    app_ports_.clear();
    for (auto& [key, s] : shared_) {
        ::close(s.fd);
        if (!keep_paths && !s.path.empty()) ::unlink(s.path.c_str());
    }
    shared_.clear();
}

}  // namespace tend
