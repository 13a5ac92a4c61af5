// CLI11's parse errors in tend's words, for tend and tendd alike. Header
// only: tend_common does not link CLI11, the two programs do.
#pragma once

#include <CLI/CLI.hpp>
#include <cctype>
#include <string>

namespace tend {

// Only a missing value reaches here in practice ("--lines: expected a
// value"), since every value is taken as written and checked by its user.
inline std::string describe_parse_error(const CLI::ParseError& e) {
    std::string text = e.what();
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
        auto colon = text.find(':');
        if (colon != std::string::npos) return text.substr(0, colon) + ": expected a value";
    }
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

}  // namespace tend
