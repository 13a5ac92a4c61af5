// docs/openapi.json stays true: every operation it describes is one the
// API's router takes (no 404 or 405), and every path the router serves
// under /api/v1/ is described.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "daemon/http/api_routes.h"
#include "daemon/http/http_error.h"

using namespace tend;

namespace {

json openapi() {
    std::ifstream in(std::string(TEND_SOURCE_DIR) + "/docs/openapi.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
}

// A body the operation accepts, so a 400 means only what it should.
std::string body_for(const std::string& path) {
    if (path.ends_with("/scale")) return R"({"instances": 2})";
    if (path.ends_with("/signal")) return R"({"signal": "SIGUSR2"})";
    if (path == "/api/v1/apps") return R"({"spec": {"name": "x"}})";
    return "";
}

}  // namespace

TEST_CASE("every operation of docs/openapi.json is routed, and every route is described") {
    json doc = openapi();
    std::set<std::string> described;
    for (const auto& [path, operations] : doc["paths"].items()) {
        if (path.rfind(kApiPrefix, 0) != 0) continue;
        for (const auto& [method, operation] : operations.items()) {
            std::string upper = method == "get" ? "GET" : "POST";
            HttpRequest r;
            r.method = upper;
            r.path = path;
            for (std::string::size_type at; (at = r.path.find("{target}")) != std::string::npos;)
                r.path.replace(at, 8, "web");
            if (upper == "POST") r.body = body_for(path);
            INFO(upper << " " << path);
            CHECK_NOTHROW(api_call(r));
            described.insert(upper + " " + r.path);
        }
    }
    for (const char* route :
         {"GET /api/v1/version", "GET /api/v1/apps", "POST /api/v1/apps", "GET /api/v1/apps/web",
          "GET /api/v1/apps/web/env", "POST /api/v1/apps/web/stop", "POST /api/v1/apps/web/restart",
          "POST /api/v1/apps/web/reload", "POST /api/v1/apps/web/delete",
          "POST /api/v1/apps/web/reset", "POST /api/v1/apps/web/flush",
          "POST /api/v1/apps/web/scale", "POST /api/v1/apps/web/signal",
          "POST /api/v1/apps/web/send", "GET /api/v1/logs/web", "GET /api/v1/events",
          "POST /api/v1/save", "POST /api/v1/resurrect"})
        CHECK_MESSAGE(described.count(route), route << " is not in docs/openapi.json");
}
