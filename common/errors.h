// The error type every layer throws for a failure a user should read, with a
// stable code that travels in the protocol's error replies.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tend {

enum class ErrorCode {
    kBadRequest,         // arguments missing or of the wrong type
    kBadJson,            // a request line that is not JSON
    kLineTooLong,        // a request line over the protocol's limit
    kUnknownCommand,     // cmd not in the dispatcher's table
    kNotFound,           // no app or id matches a target
    kAlreadyExists,      // start of a name that exists
    kSpawnFailed,        // exec failed synchronously
    kVersionMismatch,    // CLI and daemon disagree on versions
    kPermissionDenied,   // peer uid refused
    kDaemonUnavailable,  // CLI could not reach or start the daemon
    kShuttingDown,       // daemon is stopping and accepts no new work
    kLimitExceeded,      // more than a documented limit (docs/security.md)
    kInternal,           // a bug; the daemon still answers
};

std::string_view to_string(ErrorCode code);
ErrorCode error_code_from_string(std::string_view text);

class TendError : public std::runtime_error {
  public:
    TendError(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ErrorCode code() const { return code_; }

  private:
    ErrorCode code_;
};

}  // namespace tend
