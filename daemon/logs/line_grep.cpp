// LineGrep: regcomp with REG_EXTENDED | REG_NOSUB, and regexec with
// REG_STARTEND so a line is matched where it lies, without a copy.
#include "daemon/logs/line_grep.h"

#include "common/errors.h"

namespace tend {
namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw TendError(ErrorCode::kBadRequest, "invalid --grep pattern: " + why);
}

// \1..\9 outside a bracket expression: a back-reference (glibc accepts them
// in extended syntax too), whose matching can take exponential time.
bool has_back_reference(const std::string& pattern) {
    bool in_bracket = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (in_bracket) {
            // "[]...]" and "[^]...]": a ']' first is a literal.
            if (c == ']' && pattern[i - 1] != '[' &&
                !(pattern[i - 1] == '^' && pattern[i - 2] == '['))
                in_bracket = false;
            continue;
        }
        if (c == '[') {
            in_bracket = true;
        } else if (c == '\\' && i + 1 < pattern.size()) {
            char next = pattern[++i];
            if (next >= '1' && next <= '9') return true;
        }
    }
    return false;
}

}  // namespace

LineGrep::LineGrep(const std::string& pattern) {
    if (pattern.size() > kMaxPatternBytes)
        refuse("it is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
    if (pattern.find('\0') != std::string::npos) refuse("it holds a NUL byte");
    if (has_back_reference(pattern)) refuse("back-references (\\1 to \\9) are not allowed");
    int rc = ::regcomp(&regex_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char message[256];
        ::regerror(rc, &regex_, message, sizeof message);
        refuse(message);
    }
}

LineGrep::~LineGrep() {
    ::regfree(&regex_);
}

bool LineGrep::matches(std::string_view line) const {
    regmatch_t range{0, static_cast<regoff_t>(line.size())};
    // REG_STARTEND: the bounds come from range, so the line needs no NUL
    // and may hold one.
    return ::regexec(&regex_, line.data(), 1, &range, REG_STARTEND) == 0;
}

}  // namespace tend
