// dotenv files: the syntax users write (export, quotes, comments, multi-line
// values) and the exact one-line errors naming the file and line.
#include <doctest/doctest.h>

#include "cli/env_file.h"
#include "common/errors.h"

using namespace tend;

namespace {

using Vars = std::map<std::string, std::string>;

std::string env_file_error(std::string_view text) {
    try {
        parse_env_file(text, ".env");
    } catch (const TendError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("env file: KEY=VALUE lines, export, blanks and comments") {
    CHECK(parse_env_file("# settings\n\nA=1\nexport B=two words\n  C = spaced  \nD=\n", ".env") ==
          Vars{{"A", "1"}, {"B", "two words"}, {"C", "spaced"}, {"D", ""}});
}

TEST_CASE("env file: an unquoted value ends at ' #', a '#' inside a word stays") {
    CHECK(parse_env_file("URL=http://h/#frag # the url\nX=a#b\n", ".env") ==
          Vars{{"URL", "http://h/#frag"}, {"X", "a#b"}});
}

TEST_CASE("env file: single quotes are literal, double quotes expand escapes") {
    CHECK(parse_env_file(R"(A='$HOME \n # not a comment'
B="line1\nline2\t\"q\" \\"
C=`back tick`
)",
                         ".env") == Vars{{"A", R"($HOME \n # not a comment)"},
                                         {"B", "line1\nline2\t\"q\" \\"},
                                         {"C", "back tick"}});
}

TEST_CASE("env file: a quoted value may span lines, and a later key wins") {
    CHECK(parse_env_file("KEY=\"-----BEGIN\nabc\n-----END\"\nA=1\nA=2\n", ".env") ==
          Vars{{"KEY", "-----BEGIN\nabc\n-----END"}, {"A", "2"}});
}

TEST_CASE("env file: CRLF line ends and a last line without a newline") {
    CHECK(parse_env_file("A=1\r\nB=\"2\"\r\nC=3", ".env") ==
          Vars{{"A", "1"}, {"B", "2"}, {"C", "3"}});
}

TEST_CASE("env file: malformed lines are errors naming the file and the line") {
    CHECK(env_file_error("A=1\nnot a pair\n") == ".env:2: expected '=' after 'not'");
    CHECK(env_file_error("A=1\n\n=value\n") == ".env:3: expected KEY=VALUE");
    CHECK(env_file_error("A=1\nB=\"open\nC=2\n") == ".env:2: unterminated \" quote");
    CHECK(env_file_error("A='x' y\n") == ".env:1: unexpected text after the closing quote");
    CHECK(env_file_error("1A=x\n") == ".env:1: expected KEY=VALUE");
}

TEST_CASE("env file: a file that cannot be read is named in the error") {
    try {
        load_env_file("/nonexistent/tend/.env", "config/.env");
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()) ==
              "cannot read env file 'config/.env': No such file or directory");
    }
    try {
        load_env_file("/tmp", "/tmp");
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()) == "cannot read env file '/tmp': it is a directory");
    }
}
