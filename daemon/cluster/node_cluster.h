// The daemon's side of Node's cluster protocol, for the Node instances of
// an app in cluster mode. tend starts them with NODE_UNIQUE_ID, so Node makes
// each one a cluster worker, as under PM2 (cluster.isWorker is true): the
// app's server.listen(port) asks the primary (tendd) over the IPC channel
// ("NODE_CLUSTER" "queryServer") instead of binding, and the primary hands
// it connections ("newconn", with the fd attached) that it acknowledges.
// tendd answers as Node's own primary does in its default round-robin
// mode, each listened address served by one ConnectionBalancer: the app's
// --port is the socket bound at start and kept for the app's life; any
// other port a worker listens on is bound on first use and shared by the
// app's workers while the app has one. UDP ports and Unix socket paths
// are not dealt out: as Node's primary does, tendd binds them once and
// passes the socket itself to each worker that asks.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/protocol.h"
#include "daemon/cluster/node_message.h"

namespace tend {

class ConnectionBalancer;
class KeeperLink;

class NodeCluster {
  public:
    // Queues a line on pid's IPC channel, with a copy of socket fd attached
    // when fd >= 0; false when it cannot.
    using Send = std::function<bool(int pid, const std::string& line, int fd)>;

    NodeCluster(uv_loop_t* loop, Send send);
    ~NodeCluster();

    // pid is a worker of app, whose --port socket (owned by the caller) is app_fd.
    void add_worker(int pid, const std::string& app, int app_fd);
    // A message of Node's own ("cmd": "NODE_...") from pid.
    void on_message(int pid, const json& message);
    // pid is being stopped: it gets no new connection.
    void retire(int pid);
    // Retires pid as Node's own worker.disconnect() does: no new connection,
    // and once pid has answered for every connection it was handed (so none
    // is in flight), Node's "disconnect" message, on which an unmodified app
    // closes its servers, lets their connections finish and exits when idle.
    // false when pid is no worker, or one that listens on nothing (no
    // connection can be in its hands): the caller signals it at once.
    bool disconnect(int pid);
    // pid has exited.
    void remove(int pid);
    // The app's --port socket is about to be closed (the app is deleted).
    void forget_listener(int app_fd);
    // Closes every socket and balancer (shutdown). keep_paths: a Unix
    // socket's file stays (the next daemon takes the socket over).
    void close(bool keep_paths = false);

    // Every socket bound from now on is held by the keeper, by name, so it
    // stays bound while no daemon runs (node_cluster_state.cpp).
    void keep_with(KeeperLink* keeper) { keeper_ = keeper; }
    // Who listens where, to hand to the next daemon; sockets by their names.
    json state() const;
    // Takes over a state() a daemon handed over: every socket taken from
    // the keeper's hand-over by name (take), the apps' --port sockets by
    // the name the table gave them (port_fd).
    void adopt(const json& state, const std::function<int(const std::string&)>& take,
               const std::function<int(const std::string&)>& port_fd);

  private:
    struct Worker {
        std::string app;
        int app_fd = -1;
        std::vector<std::string> balancers;         // the ones it listens on
        std::vector<std::string> shared;            // the shared sockets it was given
        std::deque<std::string> awaiting_delivery;  // per fd sent, in order: its balancer or ""
        bool disconnecting = false;                 // disconnect() asked
        bool disconnect_sent = false;
    };
    struct SharedSocket {
        int fd = -1;
        std::string path;  // a Unix socket's file, removed with the socket
        std::string app;
        std::set<int> users;
    };
    struct PendingAnswer {
        int pid = 0;
        std::string balancer;
    };

    void query_server(int pid, Worker& w, const NodeMessage& m);
    void query_balanced(int pid, Worker& w, const NodeMessage& m);
    void query_shared(int pid, Worker& w, const NodeMessage& m);
    SharedSocket* shared_socket(const Worker& w, const NodeMessage& m, std::string& key,
                                int& error);
    void release_shared(int pid, const std::string& key);
    void close_server(int pid, Worker& w, const NodeMessage& m);
    void on_answer(int pid, const NodeMessage& m);
    void on_delivery(int pid, bool received);
    void send_disconnect_when_answered(int pid);
    ConnectionBalancer* balancer_for(const Worker& w, const NodeMessage& m, std::string& key,
                                     int& error);
    ConnectionBalancer* open_balancer(int listen_fd, const std::string& key);
    void close_balancer(ConnectionBalancer* b);
    void close_shared(const SharedSocket& s, bool keep_path);
    bool hand_off(const std::string& key, int pid, int fd);
    void drop_if_unused(const std::string& balancer);
    bool has_worker_of(const std::string& app) const;

    uv_loop_t* loop_;
    Send send_;
    KeeperLink* keeper_ = nullptr;
    std::unordered_map<int, Worker> workers_;
    std::map<std::string, ConnectionBalancer*> balancers_;  // by app and address
    std::map<std::string, std::string> balancer_apps_;      // balancer key → its app
    std::map<int, std::string> app_ports_;                  // app_fd → its balancer's key
    std::map<std::string, SharedSocket> shared_;            // by app and address
    std::unordered_map<long, PendingAnswer> answers_;       // newconn seq → who answers
    long seq_ = 0;
};

}  // namespace tend
