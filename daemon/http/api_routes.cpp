// From an HTTP method and path to a control request.
#include "daemon/http/api_routes.h"

#include <array>
#include <string_view>
#include <vector>

#include "common/commands.h"
#include "common/json_limits.h"
#include "common/messages.h"
#include "common/text.h"
#include "daemon/http/http_error.h"

namespace tend {
namespace {

// The actions on a target that take TargetsArgs as they are.
constexpr std::array kTargetActions{
    std::pair{"stop", cmd::kStop},     std::pair{"restart", cmd::kRestart},
    std::pair{"reload", cmd::kReload}, std::pair{"delete", cmd::kDelete},
    std::pair{"reset", cmd::kReset},   std::pair{"flush", cmd::kFlush}};

[[noreturn]] void no_such_path(const HttpRequest& r) {
    throw HttpError(404, "not_found", "no such path: " + r.path + " (see docs/http.md)");
}

[[noreturn]] void bad_input(const std::string& message) {
    throw HttpError(400, "bad_request", message);
}

void require_method(const HttpRequest& r, std::string_view method) {
    if (r.method == method || (method == "GET" && r.method == "HEAD")) return;
    throw HttpError(405, "method_not_allowed",
                    r.method + " " + r.path + ": this path takes " + std::string(method));
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > start) parts.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool flag(const HttpRequest& r, const char* key) {
    auto it = r.query.find(key);
    return it != r.query.end() && (it->second.empty() || it->second == "1" || it->second == "true");
}

std::optional<int> int_query(const HttpRequest& r, const char* key) {
    auto it = r.query.find(key);
    if (it == r.query.end()) return std::nullopt;
    std::optional<std::int64_t> n = parse_int(it->second);
    if (!n || *n > 1'000'000'000)
        bad_input(std::string("'") + key + "' must be a non-negative number, got '" + it->second +
                  "'");
    return static_cast<int>(*n);
}

json body_json(const HttpRequest& r) {
    if (r.body.empty()) return json::object();
    ParsedJson parsed = parse_json_limited(r.body);
    if (parsed.problem == JsonProblem::kTooDeep) bad_input("the body nests too deep");
    if (!parsed.ok()) bad_input("the body is not JSON");
    return std::move(parsed.value);
}

json targets(const HttpRequest& r, const std::string& target) {
    TargetsArgs args;
    args.targets.push_back(target);
    args.instance = int_query(r, "instance");
    return json(args);
}

ApiCall app_action(const HttpRequest& r, const std::string& target, const std::string& action) {
    require_method(r, "POST");
    for (const auto& [name, command] : kTargetActions) {
        if (action != name) continue;
        json args = targets(r, target);
        if (action == "flush") args["archives"] = flag(r, "archives");
        return ApiCall{command, std::move(args), Access::kWrite, false};
    }
    json body = body_json(r);
    if (action == "scale") {
        ScaleArgs scale{target, 0, false, int_query(r, "instance")};
        const json& n = body.contains("instances") ? body["instances"] : json();
        std::optional<std::int64_t> count;
        if (n.is_number_integer() && n.get<std::int64_t>() >= 0 &&
            n.get<std::int64_t>() < 1 << 20) {
            count = n.get<std::int64_t>();
        } else if (n.is_string() && !n.get<std::string>().empty()) {
            std::string text = n.get<std::string>();
            scale.relative = text[0] == '+' || text[0] == '-';
            count = parse_int(scale.relative ? text.substr(1) : text);
            if (count && text[0] == '-') count = -*count;
        }
        if (!count || *count > 1 << 20 || *count < -(1 << 20))
            bad_input(R"(scale takes {"instances": N}, or "+N" / "-N" to add or remove)");
        scale.count = static_cast<int>(*count);
        return ApiCall{cmd::kScale, json(scale), Access::kWrite, false};
    }
    if (action == "signal") {
        if (!body.contains("signal") || !body["signal"].is_string())
            bad_input(R"(signal takes {"signal": "SIGUSR2"})");
        SignalArgs args{body["signal"].get<std::string>(), {target}};
        return ApiCall{cmd::kSignal, json(args), Access::kWrite, false};
    }
    if (action == "send") {
        SendArgs args{{target}, int_query(r, "instance"), std::move(body), ""};
        return ApiCall{cmd::kSend, json(args), Access::kWrite, false};
    }
    no_such_path(r);
}

ApiCall apps(const HttpRequest& r, const std::vector<std::string>& parts) {
    if (parts.size() == 1) {
        if (r.method == "POST") {
            json body = body_json(r);
            if (!body.is_object() || !body.contains("spec"))
                bad_input(R"(start takes {"spec": {...}}, an app as `tend start` sends it)");
            return ApiCall{cmd::kStart, std::move(body), Access::kWrite, false};
        }
        require_method(r, "GET");
        return ApiCall{cmd::kList, json(ListArgs{flag(r, "history")}), Access::kRead, false};
    }
    const std::string& target = parts[1];
    if (parts.size() == 2) {
        require_method(r, "GET");
        return ApiCall{cmd::kDescribe, targets(r, target), Access::kRead, false};
    }
    if (parts.size() != 3) no_such_path(r);
    if (parts[2] == "env") {
        require_method(r, "GET");
        return ApiCall{cmd::kEnv, json(EnvArgs{target}), Access::kSecret, false};
    }
    return app_action(r, target, parts[2]);
}

ApiCall logs(const HttpRequest& r, const std::string& target) {
    require_method(r, "GET");
    LogsArgs args;
    if (target != "all") args.targets.push_back(target);
    args.instance = int_query(r, "instance");
    if (auto lines = int_query(r, "lines")) args.lines = std::min(*lines, kMaxLogLines);
    if (auto it = r.query.find("stream"); it != r.query.end()) {
        if (it->second != "out" && it->second != "err" && it->second != "both")
            bad_input("'stream' must be out, err or both");
        args.streams = it->second == "out"   ? LogStreams::kOut
                       : it->second == "err" ? LogStreams::kErr
                                             : LogStreams::kBoth;
    }
    if (auto it = r.query.find("grep"); it != r.query.end()) args.grep = it->second;
    args.follow = flag(r, "follow");
    return ApiCall{cmd::kLogs, json(args), Access::kRead, args.follow};
}

}  // namespace

ApiCall api_call(const HttpRequest& request) {
    std::string_view path = request.path;
    if (path.rfind(kApiPrefix, 0) != 0) no_such_path(request);
    std::vector<std::string> parts = split_path(path.substr(std::string_view(kApiPrefix).size()));
    if (parts.empty()) no_such_path(request);
    const std::string& first = parts[0];
    if (first == "apps") return apps(request, parts);
    if (first == "logs" && parts.size() == 2) return logs(request, parts[1]);
    if (parts.size() != 1) no_such_path(request);
    if (first == "version") {
        require_method(request, "GET");
        return ApiCall{cmd::kPing, json::object(), Access::kRead, false};
    }
    if (first == "events") {
        require_method(request, "GET");
        EventsArgs args;
        if (auto it = request.query.find("target"); it != request.query.end())
            args.targets.push_back(it->second);
        return ApiCall{cmd::kEvents, json(args), Access::kRead, true};
    }
    if (first == "save" || first == "resurrect") {
        require_method(request, "POST");
        json args = json::object();
        if (first == "resurrect") args = json(ResurrectArgs{flag(request, "from_backup")});
        return ApiCall{first == "save" ? cmd::kSave : cmd::kResurrect, std::move(args),
                       Access::kWrite, false};
    }
    no_such_path(request);
}

}  // namespace tend
