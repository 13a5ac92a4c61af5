// Error codes to HTTP statuses, and the error body.
#include "daemon/http/http_error.h"

#include "common/protocol.h"

namespace tend {

int status_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::kBadRequest:
        case ErrorCode::kBadJson:
        case ErrorCode::kLineTooLong:
            return 400;
        case ErrorCode::kPermissionDenied:
            return 403;
        case ErrorCode::kNotFound:
        case ErrorCode::kUnknownCommand:
            return 404;
        case ErrorCode::kAlreadyExists:
            return 409;
        case ErrorCode::kSpawnFailed:
            return 422;
        case ErrorCode::kLimitExceeded:
            return 429;
        case ErrorCode::kShuttingDown:
        case ErrorCode::kDaemonUnavailable:
            return 503;
        case ErrorCode::kVersionMismatch:
        case ErrorCode::kInternal:
            break;
    }
    return 500;
}

HttpReply error_reply(int status, std::string_view code, std::string_view message) {
    json body{{"error", {{"code", code}, {"message", message}}}};
    HttpReply reply{status, "application/json", dump_json(body), {}};
    if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
    return reply;
}

}  // namespace tend
