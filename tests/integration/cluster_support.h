// What the cluster tests share: starting a server app on a shared port, and
// waiting until each of its instances answers there.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace tend::it {

// `tend start <node script> --name name <options>`.
std::vector<std::string> start_node(const std::string& name, const std::string& script,
                                    std::vector<std::string> options);

// tests/fixtures/<file>.
std::string fixture_js(const std::string& file);

// `tend start` args for the socket-server fixture on --port port: start
// SOCKET_SERVER --name NAME --port PORT --interpreter none OPTIONS -- SERVER_ARGS.
std::vector<std::string> start_server(const std::string& name, int port,
                                      std::vector<std::string> options,
                                      std::vector<std::string> server_args = {});

// A jlist predicate: count instances, all online.

// Asks until every index in 0..count-1 has answered on port (an answer's
// first word is the instance index); the indexes seen.
std::set<std::string> answering_instances(TendHome& t, int port, std::size_t count);

// Waits until app name's count instances are online and each has answered
// on port; its instances.
json serving(TendHome& t, const std::string& name, int port, std::size_t count);

// SIGKILLs victim, an instance serving on port, then sends 30 requests one
// after another; how many failed.
int failures_after_sigkill(TendHome& t, pid_t victim, int port);

// What a closed-loop client saw across `tend reload`.
struct ReloadUnderLoad {
    int ok = 0;
    int failed = 0;
    std::map<std::string, int> by_answer;  // requests answered, by instance index
    json after;                            // the app's instances, online again
};

// Reloads app name (count instances) while a closed-loop client sends
// requests to port, from 20 answered before to 20 answered after.
ReloadUnderLoad reload_under_load(TendHome& t, const std::string& name, int port,
                                  std::size_t count);

}  // namespace tend::it
