// An HTTP API request as the server hands it over: "METHOD PATH?QUERY"
// on the first line (the query as key=value&...), the body after it. Every
// outcome is a call or an HttpError; nothing else may escape.
#include <cstdint>
#include <string>

#include "common/protocol.h"
#include "daemon/http/api_routes.h"
#include "daemon/http/http_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    std::string text(reinterpret_cast<const char*>(data), size);
    HttpRequest request;
    std::string head = text.substr(0, text.find('\n'));
    if (head.size() < text.size()) request.body = text.substr(head.size() + 1);
    auto space = head.find(' ');
    request.method = head.substr(0, space);
    std::string target = space == std::string::npos ? "" : head.substr(space + 1);
    auto mark = target.find('?');
    request.path = target.substr(0, mark);
    if (mark != std::string::npos) {
        std::string query = target.substr(mark + 1);
        std::size_t start = 0;
        while (start <= query.size()) {
            auto amp = query.find('&', start);
            std::string pair = query.substr(start, amp - start);
            auto eq = pair.find('=');
            request.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
            if (amp == std::string::npos) break;
            start = amp + 1;
        }
    }
    try {
        ApiCall call = api_call(request);
        // What the API writes on the control socket: invalid UTF-8 replaced.
        (void)dump_json(call.args);
    } catch (const HttpError&) {
    }
    return 0;
}
