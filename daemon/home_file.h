// Reading a file tend keeps in its home (dump.json, config.json). A link is
// not followed (O_NOFOLLOW) but refused: one planted in the home must not
// have tend read another file into dump.json.bak, resurrect from it, or
// take its settings from it.
#pragma once

#include <optional>
#include <string>

namespace tend {

// The file's text, or nullopt when there is none. Throws
// TendError(kBadRequest) "cannot read '<path>': ..." (a link, a read error).
std::optional<std::string> read_home_file(const std::string& path);

}  // namespace tend
