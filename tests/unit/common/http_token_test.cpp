// The HTTP write token: made random, read only from a private file, and
// compared whole.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/http_token.h"

using namespace tend;

namespace {

struct TempHome {
    std::string path;
    TempHome() {
        char dir[] = "/tmp/tend-token-XXXXXX";
        path = ::mkdtemp(dir);
    }
    ~TempHome() { std::filesystem::remove_all(path); }
    void write(const std::string& text, mode_t mode) const {
        std::ofstream(http_token_path(path)) << text;
        ::chmod(http_token_path(path).c_str(), mode);
    }
};

}  // namespace

TEST_CASE("a new token is 64 hex digits, a new one each time") {
    std::string a = new_http_token();
    CHECK(a.size() == 64);
    CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(new_http_token() != a);
}

TEST_CASE("the token file: none means read-only, a private one is read trimmed") {
    TempHome home;
    CHECK_FALSE(read_http_token(home.path).has_value());
    home.write("abc\n", 0600);
    CHECK(read_http_token(home.path) == std::optional<std::string>("abc"));
}

TEST_CASE("a token file others may read, an empty one, or a link is refused") {
    TempHome home;
    home.write("abc\n", 0644);
    CHECK_THROWS_AS(read_http_token(home.path), TendError);
    home.write("\n", 0600);
    CHECK_THROWS_AS(read_http_token(home.path), TendError);
    std::filesystem::remove(http_token_path(home.path));
    std::string target = home.path + "/elsewhere";
    std::ofstream(target) << "abc";
    ::chmod(target.c_str(), 0600);
    std::filesystem::create_symlink(target, http_token_path(home.path));
    CHECK_THROWS_AS(read_http_token(home.path), TendError);
}

TEST_CASE("Authorization: Bearer must carry the whole token") {
    CHECK(bearer_matches("Bearer abc", "abc"));
    CHECK(bearer_matches("bearer abc ", "abc"));
    CHECK_FALSE(bearer_matches("Bearer ab", "abc"));
    CHECK_FALSE(bearer_matches("Bearer abcd", "abc"));
    CHECK_FALSE(bearer_matches("Bearer abd", "abc"));
    CHECK_FALSE(bearer_matches("Basic abc", "abc"));
    CHECK_FALSE(bearer_matches("abc", "abc"));
    CHECK_FALSE(bearer_matches("", "abc"));
    CHECK_FALSE(bearer_matches("Bearer ", ""));
}
