// A small block-style YAML writer for the Kubernetes and Compose exporters:
// keys in the order written (so the output reads as the docs describe it),
// strings quoted whenever a plain scalar could be read as something else,
// and comments (`# tend: ...`) between any two lines, which is where the
// exporters say what has no equivalent on the target. yaml-cpp's Emitter
// puts comments after values and decides layout itself; exact-string tests
// want the layout fixed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// value as a YAML scalar that every reader takes as that string: plain when
// it is a safe word (`api`, `/srv/app.js`), else double-quoted with JSON's
// escapes (`"1"`, `"true"`, `"a b"`, `"x: y"`).
std::string yaml_scalar(std::string_view value);

class YamlWriter {
  public:
    // "# tend: text", one line per line of text, at the current indent.
    void comment(std::string_view text);
    void field(std::string_view key, std::string_view value);  // quoted by yaml_scalar
    void number(std::string_view key, std::int64_t value);
    void boolean(std::string_view key, bool value);
    // key: ["a", "b"]: a flow list, every item double-quoted.
    void flow_list(std::string_view key, const std::vector<std::string>& items);
    // "key:" and the fields that follow, indented, until close().
    void open(std::string_view key);
    // An item of the list open() began: its first field gets the "- ".
    void item();
    // "- value": a scalar item of the list open() began.
    void item_value(std::string_view value);
    void close();
    // "---" between two documents of one file.
    void separator();
    const std::string& text() const { return out_; }

  private:
    void line(std::string_view text);
    std::string out_;
    int indent_ = 0;
    std::vector<int> stack_;
    bool pending_dash_ = false;
};

}  // namespace tend
