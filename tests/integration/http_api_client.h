// A test's HTTP client for tendd's endpoint: one request per connection
// with its status, headers and body, and a reader of server-sent events.
// Plain sockets, so what the test sees is what any client gets.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness.h"
#include "process_util.h"

namespace tend::it {

struct HttpResult {
    int status = 0;                              // 0: no answer (refused, closed, timed out)
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request to 127.0.0.1:port (Host: 127.0.0.1:port unless headers set
// it), read until the server closes or Content-Length is reached.
HttpResult http_call(int port, const std::string& method, const std::string& target,
                     const Headers& headers = {}, const std::string& body = "",
                     Millis timeout = 10s);

// The port tendd serves HTTP on, from `tend ping --json`; FAILs when off.
int http_port(const TendHome& home);

struct SseEvent {
    std::string event;
    std::string data;
};

// GET target as an event stream (HTTP/1.0: no chunks), its status and
// headers read by the constructor.
class EventStream {
  public:
    EventStream(int port, const std::string& target, const Headers& headers = {});
    ~EventStream();
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;
    int status() const { return status_; }
    // The next event (comments skipped), or nullopt at EOF or timeout.
    std::optional<SseEvent> next(Millis timeout);
    // Waits for an event whose data contains text; nullopt at the deadline.
    std::optional<SseEvent> wait_for(const std::string& text, Millis timeout);
    // True once the server has closed the stream (within timeout).
    bool closed_by_server(Millis timeout);

  private:
    bool fill(Millis timeout);
    int fd_ = -1;
    int status_ = 0;
    bool eof_ = false;
    std::string buffer_;
};

}  // namespace tend::it
