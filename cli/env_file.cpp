// dotenv's syntax, line by line, with the error naming the file and line.
#include "cli/env_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"

namespace tend {
namespace {

constexpr std::size_t kMaxEnvFileBytes = std::size_t{1} << 20;

// A cursor over the text that knows its line number.
struct DotenvCursor {
    std::string_view text;
    std::size_t at = 0;
    int line = 1;
    const std::string& label;

    bool done() const { return at >= text.size(); }
    char peek() const { return text[at]; }
    char next() {
        char c = text[at++];
        if (c == '\n') ++line;
        return c;
    }
    [[noreturn]] void fail(const std::string& why, int at_line) const {
        throw TendError(ErrorCode::kBadRequest, label + ":" + std::to_string(at_line) + ": " + why);
    }
};

bool is_dotenv_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

void skip_dotenv_blanks(DotenvCursor& c) {
    while (!c.done() && is_dotenv_blank(c.peek())) c.next();
}

void skip_dotenv_line(DotenvCursor& c) {
    while (!c.done() && c.next() != '\n') {
    }
}

bool is_dotenv_key_char(char c, bool first) {
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    return alpha || (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}

std::string read_dotenv_key(DotenvCursor& c) {
    std::string key;
    while (!c.done() && is_dotenv_key_char(c.peek(), key.empty())) key += c.next();
    if (key == "export" && !c.done() && is_dotenv_blank(c.peek())) {
        skip_dotenv_blanks(c);
        return read_dotenv_key(c);
    }
    return key;
}

char dotenv_unescape(char c) {
    switch (c) {
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        default:
            return c;
    }
}

std::string read_dotenv_quoted(DotenvCursor& c) {
    int start_line = c.line;
    char quote = c.next();
    std::string value;
    while (!c.done() && c.peek() != quote) {
        char ch = c.next();
        if (quote == '"' && ch == '\\' && !c.done()) ch = dotenv_unescape(c.next());
        value += ch;
    }
    if (c.done()) c.fail(std::string("unterminated ") + quote + " quote", start_line);
    c.next();
    skip_dotenv_blanks(c);
    if (!c.done() && c.peek() != '\n' && c.peek() != '#')
        c.fail("unexpected text after the closing quote", c.line);
    skip_dotenv_line(c);
    return value;
}

std::string read_dotenv_unquoted(DotenvCursor& c) {
    std::string value;
    while (!c.done() && c.peek() != '\n') {
        char ch = c.next();
        if (ch == '#' && (value.empty() || is_dotenv_blank(value.back()))) {
            skip_dotenv_line(c);
            break;
        }
        value += ch;
    }
    if (!c.done() && c.peek() == '\n') c.next();
    while (!value.empty() && is_dotenv_blank(value.back())) value.pop_back();
    return value;
}

// One KEY=VALUE entry at the cursor (which is past any blanks).
void read_dotenv_entry(DotenvCursor& c, std::map<std::string, std::string>& vars) {
    int line = c.line;
    std::string key = read_dotenv_key(c);
    if (key.empty()) c.fail("expected KEY=VALUE", line);
    skip_dotenv_blanks(c);
    if (c.done() || c.peek() != '=') c.fail("expected '=' after '" + key + "'", line);
    c.next();
    skip_dotenv_blanks(c);
    bool quoted = !c.done() && (c.peek() == '"' || c.peek() == '\'' || c.peek() == '`');
    vars[key] = quoted ? read_dotenv_quoted(c) : read_dotenv_unquoted(c);
}

}  // namespace

std::map<std::string, std::string> parse_env_file(std::string_view text, const std::string& label) {
    std::map<std::string, std::string> vars;
    DotenvCursor c{text, 0, 1, label};
    while (!c.done()) {
        skip_dotenv_blanks(c);
        if (c.done()) break;
        if (c.peek() == '\n' || c.peek() == '#')
            skip_dotenv_line(c);
        else
            read_dotenv_entry(c, vars);
    }
    return vars;
}

std::map<std::string, std::string> load_env_file(const std::string& path,
                                                 const std::string& label) {
    auto cannot = [&](const std::string& why) {
        throw TendError(ErrorCode::kBadRequest, "cannot read env file '" + label + "': " + why);
    };
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) cannot("it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) cannot(std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxEnvFileBytes) cannot("larger than 1 MiB");
    return parse_env_file(text.str(), label);
}

}  // namespace tend
