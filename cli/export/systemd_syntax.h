// systemd's unit file syntax (systemd.syntax(7), systemd.service(5)) for
// `tend export systemd`: quoting command lines and environment values, and
// time spans. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

// text with every '%' doubled: systemd expands specifiers (%i, %n) in
// almost every setting, so a literal percent sign is written "%%".
std::string systemd_escape_specifiers(std::string_view text);

// One word of ExecStart=: as it is when it needs no quoting, else in double
// quotes with C escapes; '%' and '$' doubled (specifiers and variables),
// a lone ";" written "\;" (systemd's command separator).
std::string systemd_exec_word(std::string_view word);

// An ExecStart= value: the words of argv, each through systemd_exec_word.
std::string systemd_exec_line(const std::vector<std::string>& argv);

// One Environment= assignment, KEY=VALUE, quoted when VALUE has a space, a
// quote, a backslash or a control character; '%' doubled.
std::string systemd_env_assignment(const std::string& key, const std::string& value);

// An app name as the prefix of a unit name: what a unit name cannot hold
// (anything but letters, digits, ':', '_', '.' and '-'; '@' marks a
// template; a leading '.') written "\xNN", as systemd-escape does.
std::string systemd_unit_prefix(std::string_view name);

// A time span in milliseconds as systemd reads it: "0", "2s", "1600ms".
std::string systemd_time_span(std::int64_t ms);

}  // namespace tend
