// Helpers of the cluster tests.
#include "cluster_support.h"

#include "http_client.h"

namespace tend::it {

std::vector<std::string> start_node(const std::string& name, const std::string& script,
                                    std::vector<std::string> options) {
    std::vector<std::string> args{"start", script, "--name", name};
    args.insert(args.end(), options.begin(), options.end());
    return args;
}

std::string fixture_js(const std::string& file) {
    return std::string(TEND_SOURCE_DIR) + "/tests/fixtures/" + file;
}

std::function<bool(const json&)> all_online(std::size_t count) {
    return
        [count](const json& insts) { return insts.size() == count && all_status(insts, "online"); };
}

std::set<std::string> answering_instances(TendHome& t, int port, std::size_t count) {
    std::set<std::string> seen;
    t.wait_until(
        [&] {
            if (auto body = http_get(port)) seen.insert(body->substr(0, body->find(' ')));
            return seen.size() == count;
        },
        "every instance answering on the shared port");
    return seen;
}

}  // namespace tend::it
