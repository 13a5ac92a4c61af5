// Names of error codes as they appear on the wire.
#include "common/errors.h"

#include <array>
#include <utility>

namespace tend {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 13> kNames{{
    {ErrorCode::kBadRequest, "bad_request"},
    {ErrorCode::kBadJson, "bad_json"},
    {ErrorCode::kLineTooLong, "line_too_long"},
    {ErrorCode::kUnknownCommand, "unknown_command"},
    {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kAlreadyExists, "already_exists"},
    {ErrorCode::kSpawnFailed, "spawn_failed"},
    {ErrorCode::kVersionMismatch, "version_mismatch"},
    {ErrorCode::kPermissionDenied, "permission_denied"},
    {ErrorCode::kDaemonUnavailable, "daemon_unavailable"},
    {ErrorCode::kShuttingDown, "shutting_down"},
    {ErrorCode::kLimitExceeded, "limit_exceeded"},
    {ErrorCode::kInternal, "internal"},
}};

}  // namespace

std::string_view to_string(ErrorCode code) {
    for (const auto& [c, name] : kNames)
        if (c == code) return name;
    return "internal";
}

ErrorCode error_code_from_string(std::string_view text) {
    for (const auto& [c, name] : kNames)
        if (name == text) return c;
    return ErrorCode::kInternal;
}

}  // namespace tend
