// Writing JSON text straight into a string, for the replies that are large
// and flat (`list` with a thousand instances): building an nlohmann tree
// and dumping it cost more than the rest of the request. The output is what
// dump_json() writes for the same values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tend {

// A JSON string: quoted and escaped; invalid UTF-8 replaced as dump_json does.
void append_json_string(std::string& out, std::string_view text);

// A JSON number; an integral double keeps its ".0" (as nlohmann writes it),
// NaN and infinities are null.
void append_json_number(std::string& out, double value);
void append_json_number(std::string& out, std::int64_t value);

// `"key":` (key is a plain word: no escaping).
void append_json_key(std::string& out, std::string_view key);

}  // namespace tend
