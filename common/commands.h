// Every tend command in one registry: its name, whether the CLI starts a
// daemon for it, whether it changes the process table (the daemon refuses
// those once it is shutting down), and the request it sends (the CLI's
// CommandContext takes it from here). The CLI's table
// (cli/command_table.cpp) adds what only the CLI knows: aliases, help,
// options. The daemon's (daemon/control/dispatcher.cpp) gives each request
// its handler. Both name their rows through registered(), which is checked
// when they compile, so a flag is stated once and a misspelt name does not
// build. Unit tests check that the three agree as sets.
#pragma once

#include <array>
#include <string_view>

namespace tend {

// The `cmd` of each request on the wire.
namespace cmd {
inline constexpr const char* kCleardump = "cleardump";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kDescribe = "describe";
inline constexpr const char* kEnv = "env";
inline constexpr const char* kEvents = "events";
inline constexpr const char* kFlush = "flush";
inline constexpr const char* kKill = "kill";
inline constexpr const char* kList = "list";
inline constexpr const char* kLogs = "logs";
inline constexpr const char* kMonit = "monit";
inline constexpr const char* kPing = "ping";
inline constexpr const char* kReload = "reload";
inline constexpr const char* kReloadLogs = "reloadLogs";
inline constexpr const char* kReset = "reset";
inline constexpr const char* kRestart = "restart";
inline constexpr const char* kResurrect = "resurrect";
inline constexpr const char* kSave = "save";
inline constexpr const char* kScale = "scale";
inline constexpr const char* kSend = "send";
inline constexpr const char* kSignal = "signal";
inline constexpr const char* kStart = "start";
inline constexpr const char* kStop = "stop";
inline constexpr const char* kUpdate = "update";
}  // namespace cmd

// What a command sends when it sends no request (help, completion).
inline constexpr const char* kNoRequest = "";

struct CommandInfo {
    std::string_view name;     // `tend <name>`
    std::string_view request;  // the cmd it sends; a request is the row of its own name
    bool starts_daemon;        // the CLI launches tendd when none runs
    bool mutates;              // changes the table: refused while the daemon shuts down
};

// clang-format off
// Sorted by name. A row whose request is its own name is a request the
// daemon serves; jlist sends list's.
inline constexpr std::array kCommandRegistry{
    //          name             request          starts_daemon  mutates
    CommandInfo{cmd::kCleardump, cmd::kCleardump, true,          true},
    CommandInfo{"completion",    kNoRequest,      false,         false},
    CommandInfo{cmd::kDelete,    cmd::kDelete,    true,          true},
    CommandInfo{cmd::kDescribe,  cmd::kDescribe,  true,          false},
    CommandInfo{"ecosystem",     kNoRequest,      false,         false},
    CommandInfo{cmd::kEnv,       cmd::kEnv,       true,          false},
    CommandInfo{cmd::kEvents,    cmd::kEvents,    true,          false},
    CommandInfo{"export",        cmd::kDescribe,  false,         false},
    CommandInfo{cmd::kFlush,     cmd::kFlush,     true,          true},
    CommandInfo{"help",          kNoRequest,      false,         false},
    CommandInfo{"http",          cmd::kPing,      false,         false},
    CommandInfo{"jlist",         cmd::kList,      true,          false},
    CommandInfo{cmd::kKill,      cmd::kKill,      false,         true},
    CommandInfo{cmd::kList,      cmd::kList,      true,          false},
    CommandInfo{cmd::kLogs,      cmd::kLogs,      true,          false},
    CommandInfo{cmd::kMonit,     cmd::kMonit,     true,          false},
    CommandInfo{cmd::kPing,      cmd::kPing,      false,         false},
    CommandInfo{"prettylist",    cmd::kList,      true,          false},
    CommandInfo{cmd::kReload,    cmd::kReload,    true,          true},
    CommandInfo{cmd::kReloadLogs, cmd::kReloadLogs, false,       false},
    CommandInfo{"report",        cmd::kPing,      false,         false},
    CommandInfo{cmd::kReset,     cmd::kReset,     true,          true},
    CommandInfo{cmd::kRestart,   cmd::kRestart,   true,          true},
    CommandInfo{cmd::kResurrect, cmd::kResurrect, true,          true},
    CommandInfo{cmd::kSave,      cmd::kSave,      true,          false},
    CommandInfo{cmd::kScale,     cmd::kScale,     true,          true},
    CommandInfo{cmd::kSend,      cmd::kSend,      true,          false},
    CommandInfo{cmd::kSignal,    cmd::kSignal,    true,          false},
    CommandInfo{cmd::kStart,     cmd::kStart,     true,          true},
    CommandInfo{"startup",       kNoRequest,      false,         false},
    CommandInfo{cmd::kStop,      cmd::kStop,      true,          true},
    CommandInfo{"unstartup",     kNoRequest,      false,         false},
    CommandInfo{cmd::kUpdate,    cmd::kUpdate,    false,         false},
};
// clang-format on

// The index of the row named name; the registry's size when there is none.
// By index, not by pointer: under -fsanitize=undefined GCC 12 cannot
// evaluate the null checks it adds to pointers into the registry at compile time.
constexpr std::size_t registry_index(std::string_view name) {
    for (std::size_t i = 0; i < kCommandRegistry.size(); ++i)
        if (kCommandRegistry[i].name == name) return i;
    return kCommandRegistry.size();
}

// The row named name; nullptr when there is none.
constexpr const CommandInfo* find_registered(std::string_view name) {
    std::size_t i = registry_index(name);
    return i < kCommandRegistry.size() ? &kCommandRegistry[i] : nullptr;
}

// The row named name, for the CLI's and the daemon's tables: a name that
// is not registered stops the build (throwing is not a constant expression).
consteval const CommandInfo* registered(std::string_view name) {
    std::size_t i = registry_index(name);
    if (i == kCommandRegistry.size()) throw "not a registered command";
    return kCommandRegistry.data() + i;
}

// Whether info is a request the daemon serves (list), not a command that
// sends another's (jlist) or none (help).
constexpr bool is_request(const CommandInfo& info) {
    return info.request == info.name;
}

}  // namespace tend
