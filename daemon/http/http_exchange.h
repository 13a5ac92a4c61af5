// One HTTP request and its answer, as the HTTP server hands it to the API:
// what the client asked, and a way to answer now or later, at once
// (reply) or as a stream (begin_stream, write, end). The server owns the
// connection; an exchange the client has left is `gone()` and every answer
// to it is dropped, so a deferred reply never touches a closed connection.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct MHD_Connection;

namespace tend {

class HttpServer;

struct HttpRequest {
    std::string method;  // "GET", "POST", ...
    std::string path;    // decoded, without the query
    std::map<std::string, std::string> query;
    std::string host;           // the Host header
    std::string authorization;  // the Authorization header
    std::string body;           // at most kMaxHttpBody bytes
    bool body_too_large = false;
};

struct HttpReply {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

class HttpExchange {
  public:
    HttpExchange(HttpServer& server, MHD_Connection* connection)
        : server_(&server), connection_(connection) {}
    const HttpRequest& request() const { return request_; }
    HttpRequest& request() { return request_; }

    // A whole answer. Only the first answer counts.
    void reply(HttpReply reply);
    // 200 with a body of unknown length, written as write() is called.
    void begin_stream(std::string content_type);
    // Queues bytes for the client. False (and the client is dropped) once
    // more than the server's stream limit is waiting: a slow reader is let
    // go, never waited for.
    bool write(std::string_view bytes);
    // Ends the stream after what is queued.
    void end();
    bool gone() const { return gone_; }
    // Runs once when the client leaves or the exchange ends.
    void on_gone(std::function<void()> hook) { gone_hooks_.push_back(std::move(hook)); }

  private:
    friend class HttpServer;
    void mark_gone();

    HttpServer* server_;
    MHD_Connection* connection_;  // null once gone
    HttpRequest request_;
    std::optional<HttpReply> reply_;  // ready to queue
    bool dispatched_ = false;
    bool queued_ = false;
    bool suspended_ = false;
    bool streaming_ = false;
    bool ended_ = false;
    bool dropped_ = false;  // too much queued: the stream ends with an error
    bool gone_ = false;
    std::string reply_content_type_;  // a stream's
    std::string pending_;             // a stream's bytes the client has not taken yet
    std::size_t sent_ = 0;            // of pending_, already taken
    std::vector<std::function<void()>> gone_hooks_;
};

}  // namespace tend
