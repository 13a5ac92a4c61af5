// write_file_atomic: the whole new content, the asked mode, no temp file left.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/errors.h"

using namespace tend;

TEST_CASE("write_file_atomic replaces the content whole, with the mode asked, leaving no temp") {
    char pattern[] = "/tmp/tend-atomic-XXXXXX";
    std::string dir = ::mkdtemp(pattern);
    std::string path = dir + "/unit.service";
    write_file_atomic(path, "old\n");
    write_file_atomic(path, "new content\n", 0644);
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "new content\n");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    CHECK_THROWS_AS(write_file_atomic(dir + "/no/such/dir/x", "x"), TendError);
    std::filesystem::remove_all(dir);
}
