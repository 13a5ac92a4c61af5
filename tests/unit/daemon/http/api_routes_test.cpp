// Every path of the HTTP API is the control request the CLI would send.
#include <doctest/doctest.h>

#include "common/commands.h"
#include "daemon/http/api_routes.h"
#include "daemon/http/http_error.h"

using namespace tend;

namespace {

HttpRequest req(const std::string& method, const std::string& path,
                std::map<std::string, std::string> query = {}, std::string body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.body = std::move(body);
    return r;
}

int refusal(const HttpRequest& r) {
    try {
        api_call(r);
    } catch (const HttpError& e) {
        return e.status();
    }
    return 0;
}

}  // namespace

TEST_CASE("reads: list, describe, version, logs; env is a secret") {
    ApiCall list = api_call(req("GET", "/api/v1/apps", {{"history", "1"}}));
    CHECK(list.cmd == std::string(cmd::kList));
    CHECK(list.args["history"] == true);
    CHECK(list.access == Access::kRead);
    CHECK(api_call(req("GET", "/api/v1/apps")).args["history"] == false);

    ApiCall describe = api_call(req("GET", "/api/v1/apps/api", {{"instance", "2"}}));
    CHECK(describe.cmd == std::string(cmd::kDescribe));
    CHECK(describe.args["targets"] == json{"api"});
    CHECK(describe.args["instance"] == 2);

    CHECK(api_call(req("HEAD", "/api/v1/version")).cmd == std::string(cmd::kPing));
    CHECK(api_call(req("GET", "/api/v1/apps/3/env")).access == Access::kSecret);

    ApiCall logs =
        api_call(req("GET", "/api/v1/logs/all",
                     {{"lines", "5"}, {"stream", "err"}, {"follow", "1"}, {"grep", "x"}}));
    CHECK(logs.cmd == std::string(cmd::kLogs));
    CHECK(logs.args["targets"] == json::array());
    CHECK(logs.args["lines"] == 5);
    CHECK(logs.args["streams"] == "err");
    CHECK(logs.args["grep"] == "x");
    CHECK(logs.stream);
    CHECK_FALSE(api_call(req("GET", "/api/v1/logs/web")).stream);
    CHECK(api_call(req("GET", "/api/v1/logs/web", {{"lines", "999999999"}})).args["lines"] ==
          kMaxLogLines);
    CHECK(api_call(req("GET", "/api/v1/events", {{"target", "web"}})).stream);
}

TEST_CASE("writes: actions on a target, start, scale, signal, send, save") {
    for (const char* action : {"stop", "restart", "reload", "delete", "reset", "flush"}) {
        ApiCall call =
            api_call(req("POST", std::string("/api/v1/apps/web/") + action, {{"instance", "1"}}));
        CHECK(call.cmd == std::string(action));
        CHECK(call.access == Access::kWrite);
        CHECK(call.args["targets"] == json{"web"});
        CHECK(call.args["instance"] == 1);
    }
    CHECK(api_call(req("POST", "/api/v1/apps/web/flush", {{"archives", "1"}})).args["archives"] ==
          true);
    ApiCall start = api_call(req("POST", "/api/v1/apps", {}, R"({"spec":{"name":"x"}})"));
    CHECK(start.cmd == std::string(cmd::kStart));
    CHECK(start.args["spec"]["name"] == "x");

    ApiCall scale = api_call(req("POST", "/api/v1/apps/web/scale", {}, R"({"instances":"-2"})"));
    CHECK(scale.args["name"] == "web");
    CHECK(scale.args["count"] == -2);
    CHECK(scale.args["relative"] == true);
    ApiCall absolute = api_call(req("POST", "/api/v1/apps/web/scale", {}, R"({"instances":4})"));
    CHECK(absolute.args["count"] == 4);
    CHECK(absolute.args["relative"] == false);

    ApiCall signal = api_call(req("POST", "/api/v1/apps/web/signal", {}, R"({"signal":"USR2"})"));
    CHECK(signal.args["signal"] == "USR2");
    CHECK(signal.args["targets"] == json{"web"});
    ApiCall send = api_call(req("POST", "/api/v1/apps/web/send", {}, R"({"topic":"x"})"));
    CHECK(send.args["message"]["topic"] == "x");
    CHECK(api_call(req("POST", "/api/v1/save")).cmd == std::string(cmd::kSave));
    CHECK(api_call(req("POST", "/api/v1/resurrect", {{"from_backup", "1"}})).args["from_backup"] ==
          true);
}

TEST_CASE("refusals: unknown paths 404, wrong methods 405, bad input 400") {
    CHECK(refusal(req("GET", "/api/v2/apps")) == 404);
    CHECK(refusal(req("GET", "/api/v1/")) == 404);
    CHECK(refusal(req("GET", "/api/v1/apps/a/b/c")) == 404);
    CHECK(refusal(req("POST", "/api/v1/apps/a/explode")) == 404);
    CHECK(refusal(req("GET", "/api/v1/apps/a/restart")) == 405);
    CHECK(refusal(req("POST", "/api/v1/version")) == 405);
    CHECK(refusal(req("GET", "/api/v1/save")) == 405);
    CHECK(refusal(req("GET", "/api/v1/apps/a", {{"instance", "-1"}})) == 400);
    CHECK(refusal(req("GET", "/api/v1/logs/a", {{"stream", "both!"}})) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps/a/scale", {}, "{")) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps/a/scale", {}, R"({"instances":"+x"})")) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps/a/scale", {}, R"({"instances":-3})")) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps/a/signal", {}, R"({"signal":9})")) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps", {}, R"([1])")) == 400);
    CHECK(refusal(req("POST", "/api/v1/apps/a/send", {},
                      std::string(80, '[') + std::string(80, ']'))) == 400);
}

TEST_CASE("an error reply has one shape, and statuses follow tend's codes") {
    HttpReply r = error_reply(401, "unauthorized", "no token");
    CHECK(r.status == 401);
    CHECK(r.body == R"({"error":{"code":"unauthorized","message":"no token"}})");
    CHECK(r.headers.at(0).first == "WWW-Authenticate");
    CHECK(status_for(ErrorCode::kNotFound) == 404);
    CHECK(status_for(ErrorCode::kAlreadyExists) == 409);
    CHECK(status_for(ErrorCode::kLimitExceeded) == 429);
    CHECK(status_for(ErrorCode::kShuttingDown) == 503);
    CHECK(status_for(ErrorCode::kInternal) == 500);
}
