// HTTP's side of errors: a refusal the HTTP layer makes itself (a path
// that does not exist, a missing token) and the status each of tend's
// error codes answers with. Every error body has one shape:
//   {"error": {"code": "not_found", "message": "..."}}
#pragma once

#include <stdexcept>
#include <string>

#include "common/errors.h"
#include "daemon/http/http_exchange.h"

namespace tend {

class HttpError : public std::runtime_error {
  public:
    HttpError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }

  private:
    int status_;
    std::string code_;
};

// 400 for a bad request, 404 not found, 409 already exists, 429 over a
// limit, 503 shutting down, ...
int status_for(ErrorCode code);

HttpReply error_reply(int status, std::string_view code, std::string_view message);

}  // namespace tend
