// Reading an ecosystem file (PM2's ecosystem.config.js, or .json, .yaml,
// .yml) into one JSON document: JSON as is, YAML converted node by node, a
// .js file evaluated by node and printed as JSON.
#pragma once

#include <string>
#include <string_view>

#include "common/protocol.h"

namespace tend {

// Whether path names an ecosystem file by its name: *.config.js (.cjs,
// .mjs), *.json, *.yaml or *.yml. Does not look at the disk.
bool has_ecosystem_name(std::string_view path);

// has_ecosystem_name and a regular file there: how `tend start x` and
// `tend stop x` tell a file of apps from a script or an app name.
bool is_ecosystem_file(const std::string& path);

// The document in the file. Throws TendError naming the file when it cannot
// be read or parsed, or when node is missing for a .js file.
json read_ecosystem_file(const std::string& path);

// JSON text as is. Throws TendError "invalid JSON: <where and why>", or when
// it nests deeper than kMaxJsonDepth (json_limits.h).
json parse_ecosystem_json(std::string_view text);

// YAML text as JSON: maps, sequences, and scalars typed by YAML 1.2's core
// schema (null, true/false, integers, floats; quoted scalars stay strings).
// Throws TendError with the parser's message and line, or when it nests
// deeper than kMaxJsonDepth, or when its aliases expand to more than two
// values per byte of text (an alias bomb, or an anchor inside itself).
json parse_yaml(std::string_view text);

}  // namespace tend
