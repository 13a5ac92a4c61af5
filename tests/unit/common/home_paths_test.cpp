// Where tend's home is when nothing says: never a shared directory.
#include <doctest/doctest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "common/paths.h"

using namespace tend;

namespace {

// Sets or unsets a variable for one scope.
class EnvVar {
  public:
    EnvVar(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvVar() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE(
    "with neither TEND_HOME nor HOME, the home is the user's own from the password database") {
    EnvVar tend_home("TEND_HOME", nullptr);
    EnvVar home("HOME", nullptr);
    const passwd* pw = ::getpwuid(::geteuid());
    REQUIRE(pw != nullptr);
    CHECK(resolve_paths().home == std::string(pw->pw_dir) + "/.tend");
    CHECK(resolve_paths().home.rfind("/tmp", 0) != 0);
}

TEST_CASE("TEND_HOME wins over HOME") {
    EnvVar tend_home("TEND_HOME", "/srv/tend");
    EnvVar home("HOME", "/home/x");
    CHECK(resolve_paths().home == "/srv/tend");
}
