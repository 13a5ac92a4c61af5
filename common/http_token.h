// The HTTP API's write token: TEND_HOME/http.token, mode 0600, made by
// `tend http token`. Without the file the API is read-only; with it every
// write must carry `Authorization: Bearer <token>`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tend {

std::string http_token_path(const std::string& home);

// 32 random bytes as 64 hex digits (getrandom).
std::string new_http_token();

// The token in the file, trimmed; nullopt when there is no file. Throws
// TendError(kPermissionDenied) for a file others may read or that is a
// link: a token anyone can read protects nothing.
std::optional<std::string> read_http_token(const std::string& home);

// Whether an Authorization header carries token, compared in constant time.
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace tend
