// --grep: extended syntax, matching inside lines without a NUL, and the
// guards that keep a client from stalling the loop.
#include <doctest/doctest.h>

#include <string>

#include "common/errors.h"
#include "daemon/logs/line_grep.h"

namespace tend {

TEST_CASE("grep matches POSIX extended patterns anywhere in a line") {
    LineGrep grep("err(or)?|warn[0-9]+");
    CHECK(grep.matches("an error here"));
    CHECK(grep.matches("warn42"));
    CHECK_FALSE(grep.matches("warning"));
    CHECK_FALSE(grep.matches(""));
    std::string text = "xx error";
    CHECK_FALSE(grep.matches(std::string_view(text).substr(0, 4)));  // bounded, no NUL needed
    LineGrep anchored("^start");
    CHECK(anchored.matches("start of line"));
    CHECK_FALSE(anchored.matches("not start"));
}

TEST_CASE("grep refuses back-references, long patterns and bad syntax in one line") {
    CHECK_THROWS_WITH_AS(LineGrep("(a+)\\1"),
                         "invalid --grep pattern: back-references (\\1 to \\9) are not allowed",
                         TendError);
    CHECK_THROWS_AS(LineGrep("x\\9"), TendError);
    CHECK_NOTHROW(LineGrep("[\\1]"));   // in brackets: a backslash and a 1
    CHECK_NOTHROW(LineGrep("a\\\\1"));  // an escaped backslash, then 1
    CHECK_THROWS_WITH_AS(LineGrep(std::string(LineGrep::kMaxPatternBytes + 1, 'a')),
                         "invalid --grep pattern: it is longer than 1024 bytes", TendError);
    CHECK_NOTHROW(LineGrep(std::string(LineGrep::kMaxPatternBytes, 'a')));
    try {
        LineGrep bad("(unclosed");
        FAIL("accepted an unbalanced pattern");
    } catch (const TendError& e) {
        std::string message = e.what();
        CHECK(message.rfind("invalid --grep pattern: ", 0) == 0);
        CHECK(message.find('\n') == std::string::npos);
    }
}

}  // namespace tend
