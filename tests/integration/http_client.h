// A minimal HTTP/1.1 client for the cluster tests: one GET per connection
// (TCP or a Unix socket), and a closed-loop load that counts every failure
// (refused, reset, cut); and a UDP question and answer.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "process_util.h"

namespace tend::it {

// A port nothing listens on right now (bound to 0 and released).
int free_port();

// GET / on 127.0.0.1:port; the body, or nullopt on any failure.
std::optional<std::string> http_get(int port, Millis timeout = 5s);
// The same over the Unix socket at path.
std::optional<std::string> unix_http_get(const std::string& path, Millis timeout = 5s);
// One datagram to 127.0.0.1:port and the answer, or nullopt after timeout.
std::optional<std::string> udp_ask(int port, Millis timeout = 1s);

// Requests one after another on a thread until stop() (or kMaxRequests,
// so a test that forgets to stop it still ends), each on a new connection,
// so a reload is crossed by many of them.
class ClosedLoopClient {
  public:
    static constexpr int kMaxRequests = 200000;
    explicit ClosedLoopClient(int port);
    ~ClosedLoopClient();
    void stop();
    int ok() const { return ok_; }
    int failed() const { return failed_; }
    // Requests answered, by the body's first word (the instance index).
    std::map<std::string, int> by_answer() const;

  private:
    int port_;
    std::atomic<bool> stop_{false};
    std::atomic<int> ok_{0};
    std::atomic<int> failed_{0};
    mutable std::mutex mutex_;
    std::map<std::string, int> answers_;
    std::thread thread_;
};

}  // namespace tend::it
