// Checking, routing and answering HTTP requests.
#include "daemon/http/http_api.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "common/http_token.h"
#include "common/messages.h"
#include "common/version.h"
#include "daemon/http/http_error.h"
#include "daemon/http/http_server.h"

namespace tend {
namespace {

HttpReply json_reply(const json& body) {
    return HttpReply{200, "application/json", dump_json(body), {}};
}

// One event of the text/event-stream format; data is one line of JSON.
std::string sse(std::string_view event, const json& data) {
    std::string out = "event: ";
    out.append(event).append("\ndata: ").append(dump_json(data)).append("\n\n");
    return out;
}

// Environment values are secrets (passwords, keys): an answer to a request
// without the token names the variables and hides their values.
void redact_env(json& value) {
    if (value.is_array()) {
        for (json& item : value) redact_env(item);
        return;
    }
    if (!value.is_object()) return;
    for (auto& [key, item] : value.items()) {
        if ((key == "env" || key == "update_env") && item.is_object()) {
            for (auto& [name, v] : item.items()) v = "(hidden: send the token)";
            continue;
        }
        redact_env(item);
    }
}

void check_method(const HttpRequest& r) {
    if (r.method == "GET" || r.method == "HEAD" || r.method == "POST") return;
    throw HttpError(405, "method_not_allowed", r.method + " is not served here");
}

}  // namespace

HttpApi::HttpApi(uv_loop_t* loop, ControlServer& control, std::string home, std::string version,
                 HttpPages pages)
    : loop_(loop),
      control_(control),
      home_(std::move(home)),
      version_(std::move(version)),
      pages_(std::move(pages)) {}

void HttpApi::close() {
    calls_.clear();
}

void HttpApi::handle(const std::shared_ptr<HttpExchange>& exchange) {
    try {
        route(exchange);
    } catch (const HttpError& e) {
        exchange->reply(error_reply(e.status(), e.code(), e.what()));
    } catch (const TendError& e) {
        exchange->reply(error_reply(status_for(e.code()), to_string(e.code()), e.what()));
    } catch (const std::exception& e) {
        spdlog::error("http: internal error on {}: {}", exchange->request().path, e.what());
        exchange->reply(error_reply(500, "internal", std::string("internal error: ") + e.what()));
    }
}

void HttpApi::route(const std::shared_ptr<HttpExchange>& exchange) {
    const HttpRequest& r = exchange->request();
    check_host(r);
    check_method(r);
    if (r.body_too_large) throw HttpError(413, "too_large", "a request body is at most 1 MiB");
    bool get = r.method == "GET" || r.method == "HEAD";
    if (r.path == "/" && get && !pages_.dashboard.empty()) {
        if (pages_.viewed) pages_.viewed();
        exchange->reply(HttpReply{200,
                                  "text/html; charset=utf-8",
                                  std::string(pages_.dashboard),
                                  // no other site may frame the page and trick a click
                                  {{"Cache-Control", "no-cache"},
                                   {"Content-Security-Policy", "frame-ancestors 'none'"},
                                   {"X-Frame-Options", "DENY"}}});
        return;
    }
    if (r.path == "/metrics" && get && pages_.metrics) {
        exchange->reply(
            HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", pages_.metrics(), {}});
        return;
    }
    ApiCall call = api_call(r);
    if (pages_.viewed && call.cmd == cmd::kList && call.args.value("history", false))
        pages_.viewed();
    bool authorized = authorize(r, call.access);
    start_call(exchange, std::move(call), authorized);
}

// A server on loopback answers only requests addressed to it by a loopback
// name: a web page of another site whose name an attacker points at
// 127.0.0.1 (DNS rebinding) sends its own name as Host.
void HttpApi::check_host(const HttpRequest& r) const {
    if (!bound_.loopback() || r.host.empty()) return;
    std::string port = std::to_string(bound_.port);
    std::string localhost = "localhost:";
    std::string ipv4 = "127.0.0.1:";
    std::string ipv6 = "[::1]:";
    for (std::string* name : {&localhost, &ipv4, &ipv6}) name->append(port);
    for (const std::string& allowed : {bound_.authority(), localhost, ipv4, ipv6})
        if (r.host == allowed) return;
    throw HttpError(403, "forbidden",
                    "Host '" + r.host + "' is not this server's (" + bound_.authority() + ")");
}

bool HttpApi::authorize(const HttpRequest& r, Access access) const {
    std::optional<std::string> token = read_http_token(home_);
    bool carries = token && bearer_matches(r.authorization, *token);
    if (access == Access::kRead || carries) return carries;
    if (!token)
        throw HttpError(403, "forbidden",
                        "the HTTP API is read-only: run 'tend http token' to allow writes");
    throw HttpError(401, "unauthorized",
                    r.authorization.empty()
                        ? "this needs 'Authorization: Bearer <token>' (tend http token)"
                        : "the token is wrong");
}

void HttpApi::start_call(const std::shared_ptr<HttpExchange>& exchange, ApiCall call,
                         bool authorized) {
    std::uint64_t id = next_call_++;
    std::weak_ptr<HttpExchange> weak = exchange;
    auto warnings = std::make_shared<std::vector<std::string>>();
    bool stream = call.stream;
    auto on_response = [this, id, weak, stream, authorized, warnings](const Response& r) {
        std::shared_ptr<HttpExchange> ex = weak.lock();
        if (!ex) return;
        if (r.is_event()) {
            if (stream) ex->write(sse(r.event, r.data));
            if (!stream && r.event == "warning" && r.data.contains("message"))
                warnings->push_back(r.data["message"].get<std::string>());
            return;
        }
        if (!r.ok) {
            ex->reply(
                error_reply(status_for(r.error_code), to_string(r.error_code), r.error_message));
            calls_.erase(id);  // last: it ends this call
            return;
        }
        json result = r.result;
        if (!authorized) redact_env(result);
        if (!stream) {
            if (!warnings->empty() && result.is_object()) result["warnings"] = *warnings;
            ex->reply(json_reply(result));
            calls_.erase(id);  // last: it ends this call
            return;
        }
        // A stream opens with the reply; a log's tail comes first, as events.
        ex->begin_stream("text/event-stream");
        if (result.is_object() && result.contains("tail"))
            for (const json& line : result["tail"]) ex->write(sse("log", line));
    };
    auto on_closed = [this, id, weak, stream] {
        if (std::shared_ptr<HttpExchange> ex = weak.lock()) {
            ex->reply(error_reply(503, "shutting_down", "the daemon closed the request"));
            if (stream) ex->end();
        }
        calls_.erase(id);  // last: it ends this call
    };
    Request request{kProtocolVersion, version_, 1, call.cmd, std::move(call.args)};
    calls_.emplace(id, std::make_unique<ControlCall>(loop_, control_, encode_request(request),
                                                     std::move(on_response), std::move(on_closed)));
    exchange->on_gone([this, id] { calls_.erase(id); });
}

}  // namespace tend
