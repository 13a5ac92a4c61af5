// Making, reading and checking the HTTP token.
#include "common/http_token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tend {
namespace {

// A token file is a line of 64 hex digits; anything far larger is not one.
constexpr std::size_t kMaxTokenFile = 4096;

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::strchr(" \t\r\n", text.front())) text.remove_prefix(1);
    while (!text.empty() && std::strchr(" \t\r\n", text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

std::string http_token_path(const std::string& home) {
    return home + "/http.token";
}

std::string new_http_token() {
    unsigned char bytes[32];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw TendError(ErrorCode::kInternal,
                            std::string("cannot make a token: ") + std::strerror(errno));
        got += static_cast<std::size_t>(n);
    }
    static const char kHex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += kHex[b >> 4];
        token += kHex[b & 15];
    }
    return token;
}

std::optional<std::string> read_http_token(const std::string& home) {
    std::string path = http_token_path(home);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) return std::nullopt;
    if (fd < 0)
        throw TendError(ErrorCode::kPermissionDenied,
                        "cannot read " + path + ": " + std::strerror(errno));
    struct stat st {};
    std::string text(kMaxTokenFile, '\0');
    ssize_t n = ::fstat(fd, &st) == 0 ? ::read(fd, text.data(), text.size()) : -1;
    ::close(fd);
    if (n < 0 || !S_ISREG(st.st_mode))
        throw TendError(ErrorCode::kPermissionDenied, "cannot read " + path);
    if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid())
        throw TendError(
            ErrorCode::kPermissionDenied,
            path + " must be the daemon user's, mode 0600: run 'tend http token --new'");
    text.resize(static_cast<std::size_t>(n));
    std::string token(trimmed(text));
    if (token.empty())
        throw TendError(ErrorCode::kPermissionDenied,
                        path + " is empty: run 'tend http token --new'");
    return token;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() < kScheme.size() || token.empty()) return false;
    for (std::size_t i = 0; i < kScheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
            std::tolower(static_cast<unsigned char>(kScheme[i])))
            return false;
    std::string_view given = trimmed(authorization.substr(kScheme.size()));
    // Every byte is compared whatever the first difference: how long an
    // answer takes says nothing of how much of a guess was right.
    unsigned char diff = given.size() == token.size() ? 0 : 1;
    for (std::size_t i = 0; i < token.size(); ++i)
        diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

}  // namespace tend
