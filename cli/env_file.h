// `env_file` / `--env-file`: a dotenv file's variables, for an app's
// environment. The syntax is dotenv's (KEY=VALUE lines, `export `, quotes,
// comments), read by tend itself, never by a shell.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tend {

// The variables in text, a dotenv file's contents. label names the file in
// errors: throws TendError(kBadRequest) "LABEL:LINE: ..." on the first
// malformed line (no '=', a bad key, an unterminated quote).
//
// A line is `[export ]KEY=VALUE`; blank lines and lines starting with '#'
// are skipped. VALUE unquoted ends at " #" and is trimmed; in '...' or `...`
// it is literal; in "..." \n, \r, \t, \" and \\ are escapes. Quoted values
// may span lines, as dotenv allows. A key repeated later wins.
std::map<std::string, std::string> parse_env_file(std::string_view text, const std::string& label);

// Reads and parses the file at path (absolute); label is how the user wrote
// it. A file that cannot be read throws "cannot read env file 'LABEL': why".
std::map<std::string, std::string> load_env_file(const std::string& path, const std::string& label);

}  // namespace tend
