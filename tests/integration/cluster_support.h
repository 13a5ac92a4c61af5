// What the cluster tests share: starting a server app on a shared port, and
// waiting until each of its instances answers there.
#pragma once

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

// A jlist predicate: count instances, all online.
std::function<bool(const json&)> all_online(std::size_t count);

// Asks until every index in 0..count-1 has answered on port (an answer's
// first word is the instance index); the indexes seen.
std::set<std::string> answering_instances(TendHome& t, int port, std::size_t count);

}  // namespace tend::it
