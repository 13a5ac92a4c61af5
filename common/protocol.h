// The control protocol: newline-delimited JSON objects over the Unix socket.
//   request  {"v":1,"version":"0.1.0","id":7,"cmd":"start","args":{...}}
//   reply    {"id":7,"ok":true,"result":{...}}
//   error    {"id":7,"ok":false,"error":{"code":"not_found","message":"..."}}
//   event    {"id":7,"event":"log","data":{...}}   (streams only)
// JSON lives only here and in the to_json/from_json beside each typed struct.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace tend {

using nlohmann::json;

// A request line longer than this is refused and the connection closed.
inline constexpr std::size_t kMaxRequestLine = 1 << 20;

struct Request {
    int v = 0;
    std::string version;
    std::int64_t id = 0;
    std::string cmd;
    json args = json::object();
};

// Parses one request line; throws TendError(kBadJson / kBadRequest).
Request parse_request(std::string_view line);

// Each returns one complete line, newline included. Invalid UTF-8 in any
// string (app output is arbitrary bytes) is replaced, never thrown on.
std::string encode_request(const Request& request);
std::string encode_reply(std::int64_t id, const json& result);
std::string encode_error(std::optional<std::int64_t> id, ErrorCode code, std::string_view message);
std::string encode_event(std::int64_t id, std::string_view event, const json& data);
// The same with data already JSON text; event is a plain word (no escaping).
std::string encode_event_text(std::int64_t id, std::string_view event, std::string_view data);

// An ok reply whose result is already JSON text (written by the json_text
// writers): the same line encode_reply gives for that result.
std::string encode_reply_text(std::int64_t id, std::string_view result);
// The result's text of a line encode_reply or encode_reply_text wrote,
// without parsing it; nullopt for any other line (errors, events).
std::optional<std::string_view> ok_result_text(std::string_view line);

// Serialises without ever throwing on bad UTF-8.
std::string dump_json(const json& value);

// What a client reads back: a reply, an error or an event.
struct Response {
    std::int64_t id = 0;
    bool ok = false;
    json result;        // ok replies
    std::string event;  // non-empty for events
    json data;          // event payload
    ErrorCode error_code = ErrorCode::kInternal;
    std::string error_message;
    bool is_event() const { return !event.empty(); }
};

// Parses one response line; throws TendError(kBadJson) on garbage.
Response parse_response(std::string_view line);

// Cuts a byte stream into lines. feed() appends bytes and calls on_line for
// each complete line (without its '\n'); it returns false once the pending
// partial line exceeds the limit, after which the stream should be dropped.
class LineFramer {
  public:
    explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

    template <typename OnLine>
    bool feed(std::string_view bytes, OnLine&& on_line) {
        std::size_t start = 0;
        while (start < bytes.size()) {
            auto nl = bytes.find('\n', start);
            if (nl == std::string_view::npos) break;
            if (pending_.empty()) {
                on_line(bytes.substr(start, nl - start));
            } else {
                pending_.append(bytes.substr(start, nl - start));
                std::string line = std::move(pending_);
                pending_.clear();
                on_line(std::string_view(line));
            }
            start = nl + 1;
        }
        pending_.append(bytes.substr(start));
        return pending_.size() <= max_line_;
    }

    std::size_t pending_size() const { return pending_.size(); }

  private:
    std::size_t max_line_;
    std::string pending_;
};

}  // namespace tend
