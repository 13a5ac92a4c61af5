#include "cli/export/yaml_writer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <cstdio>

namespace tend {
namespace {

// Words YAML 1.1 readers (PyYAML, so docker-compose) take as booleans or null.
bool yaml_keyword(std::string_view word) {
    static constexpr std::array<std::string_view, 11> kWords = {
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ""};
    std::string lower(word);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

// Letters, digits and "_./@-", starting with a letter, "/" or "_": never a
// number, a keyword, an indicator or a key/value separator.
bool yaml_plain_word(std::string_view value) {
    if (value.empty() || yaml_keyword(value)) return false;
    unsigned char first = static_cast<unsigned char>(value.front());
    if (!std::isalpha(first) && first != '/' && first != '_') return false;
    return std::all_of(value.begin(), value.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '@' || c == '-';
    });
}

// Escapes every YAML reader knows (1.1 and 1.2): \\ \" \n \t and \xXX for
// the other control bytes; bytes from 0x80 pass through (UTF-8 text).
std::string yaml_double_quoted(std::string_view value) {
    std::string out("\"");
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
            out += hex;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

}  // namespace

std::string yaml_scalar(std::string_view value) {
    return yaml_plain_word(value) ? std::string(value) : yaml_double_quoted(value);
}

void YamlWriter::line(std::string_view text) {
    if (pending_dash_) {
        out_.append(static_cast<std::size_t>(indent_ - 2), ' ');
        out_ += "- ";
        pending_dash_ = false;
    } else {
        out_.append(static_cast<std::size_t>(indent_), ' ');
    }
    out_ += text;
    out_ += '\n';
}

void YamlWriter::comment(std::string_view text) {
    // Before an item's first field: at the dash's column.
    int column = pending_dash_ ? indent_ - 2 : indent_;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find('\n', start);
        out_.append(static_cast<std::size_t>(column), ' ');
        out_ += "# tend: ";
        out_ += text.substr(start, end == std::string_view::npos ? end : end - start);
        out_ += '\n';
        if (end == std::string_view::npos) return;
        start = end + 1;
    }
}

void YamlWriter::field(std::string_view key, std::string_view value) {
    std::string text = yaml_scalar(key);
    text += ": ";
    text += yaml_scalar(value);
    line(text);
}

void YamlWriter::number(std::string_view key, std::int64_t value) {
    std::string text = yaml_scalar(key);
    text += ": ";
    text += std::to_string(value);
    line(text);
}

void YamlWriter::boolean(std::string_view key, bool value) {
    std::string text = yaml_scalar(key);
    text += value ? ": true" : ": false";
    line(text);
}

void YamlWriter::flow_list(std::string_view key, const std::vector<std::string>& items) {
    std::string text = yaml_scalar(key);
    text += ": [";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) text += ", ";
        text += yaml_double_quoted(items[i]);
    }
    text += ']';
    line(text);
}

void YamlWriter::open(std::string_view key) {
    std::string text = yaml_scalar(key);
    text += ':';
    line(text);
    stack_.push_back(indent_);
    indent_ += 2;
}

void YamlWriter::item() {
    stack_.push_back(indent_);
    indent_ += 2;
    pending_dash_ = true;
}

void YamlWriter::item_value(std::string_view value) {
    std::string text("- ");
    text += yaml_scalar(value);
    line(text);
}

void YamlWriter::close() {
    if (stack_.empty()) return;
    indent_ = stack_.back();
    stack_.pop_back();
    pending_dash_ = false;
}

void YamlWriter::separator() {
    out_ += "---\n";
}

}  // namespace tend
