// Helpers of the cluster tests.
#include "cluster_support.h"

#include <doctest/doctest.h>
#include <signal.h>

#include "http_client.h"

namespace tend::it {

std::vector<std::string> start_node(const std::string& name, const std::string& script,
                                    std::vector<std::string> options) {
    std::vector<std::string> args{"start", script, "--name", name};
    args.insert(args.end(), options.begin(), options.end());
    return args;
}

std::vector<std::string> start_server(const std::string& name, int port,
                                      std::vector<std::string> options,
                                      std::vector<std::string> server_args) {
    std::vector<std::string> args{"start",  SOCKET_SERVER_BIN,    "--name",        name,
                                  "--port", std::to_string(port), "--interpreter", "none"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back("--");
    args.insert(args.end(), server_args.begin(), server_args.end());
    return args;
}

std::string fixture_js(const std::string& file) {
    return std::string(TEND_SOURCE_DIR "/tests/fixtures/") + file;
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

json serving(TendHome& t, const std::string& name, int port, std::size_t count) {
    json insts = t.wait_for(name, all_online(count), std::to_string(count) + " instances online");
    answering_instances(t, port, count);
    return insts;
}

int failures_after_sigkill(TendHome& t, pid_t victim, int port) {
    REQUIRE(::kill(victim, SIGKILL) == 0);
    // kill() returns before the victim is dead: until then it may still
    // accept (or be handed) one connection and die with it in hand, which is
    // the crash's loss, not the socket's. A zombie has closed its fds.
    t.wait_until([&] { return !process_alive(victim); }, "the killed instance gone");
    int failed = 0;
    for (int i = 0; i < 30; ++i) failed += http_get(port) ? 0 : 1;
    return failed;
}

ReloadUnderLoad reload_under_load(TendHome& t, const std::string& name, int port,
                                  std::size_t count) {
    ClosedLoopClient client(port);
    t.wait_until([&] { return client.ok() >= 20; }, "the client's first requests answered");
    t.run_ok({"reload", name}, 60s);
    int ok_at_reload = client.ok();
    t.wait_until([&] { return client.ok() >= ok_at_reload + 20; }, "requests after the reload");
    client.stop();
    json after = t.wait_for(name, all_online(count), "instances online after the reload");
    return ReloadUnderLoad{client.ok(), client.failed(), client.by_answer(), after};
}

}  // namespace tend::it
