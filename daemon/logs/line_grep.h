// `tend logs --grep PATTERN`: a POSIX extended regular expression matched in
// the daemon, against the tail and every followed line, so a follower far
// away is sent only what it asked for. A client must not be able to stall
// the loop with it: patterns are at most kMaxPatternBytes, and
// back-references (\1 to \9, which make matching exponential) are refused.
#pragma once

#include <regex.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tend {

class LineGrep {
  public:
    static constexpr std::size_t kMaxPatternBytes = 1024;

    // Throws TendError(kBadRequest) with a one-line reason: "invalid --grep
    // pattern: <regerror>", a back-reference, or a pattern over the limit.
    explicit LineGrep(const std::string& pattern);
    ~LineGrep();
    LineGrep(const LineGrep&) = delete;
    LineGrep& operator=(const LineGrep&) = delete;

    // True when the pattern matches somewhere in line (which needs no NUL).
    bool matches(std::string_view line) const;

  private:
    regex_t regex_{};
};

}  // namespace tend
