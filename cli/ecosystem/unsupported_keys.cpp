// PM2's keys that tend does not read, with what a user should use instead.
// A key missing here still warns, without a hint.
#include "cli/ecosystem/unsupported_keys.h"

#include <algorithm>
#include <iterator>

namespace tend {
namespace {

struct KeyHint {
    std::string_view key;
    std::string_view instead;
};

// Sorted by key (checked by the unit test).
constexpr KeyHint kKeyHints[] = {
    {"append_env_to_name", "name each app in the file instead"},
    {"automation", "PM2 Plus only; tend has no remote monitoring"},
    {"combine_logs", "use merge_logs: true (--merge-logs)"},
    {"deploy", "tend does not deploy: deploy with your own tooling, then `tend reload FILE`"},
    {"disable_logs", "use out_file: '/dev/null' and error_file: '/dev/null'"},
    {"err_file", "use error_file (--error)"},
    {"error", "use error_file (--error)"},
    {"exec_interpreter", "use interpreter (--interpreter)"},
    {"filter_env", "tend passes the starting shell's environment; override keys in env"},
    {"force", "tend refuses a second app of the same name: pick another name"},
    {"instance_id_env", "use instance_var (--instance-var)"},
    {"kill_retry_time", "use kill_timeout (--kill-timeout)"},
    {"log", "use out_file and error_file, with merge_logs: true for one pair"},
    {"log_file", "use out_file and error_file, with merge_logs: true for one pair"},
    {"max_memory", "use max_memory_restart (--max-memory-restart)"},
    {"out", "use out_file (--output)"},
    {"output", "use out_file (--output)"},
    {"pid_file", "tend writes no pid files: `tend jlist` shows every pid"},
    {"pmx", "PM2 Plus only; tend has no remote monitoring"},
    {"post_update", "run the commands before `tend reload FILE`"},
    {"source_map_support", "use node_args: '--enable-source-maps'"},
    {"treekill", "tend always signals the whole process group"},
    {"user", "use uid (--uid)"},
    {"vizion", "tend reads no version-control metadata"},
    {"watch_options", "tend watches with inotify; use watch, ignore_watch and watch_delay"},
};

}  // namespace

std::string_view unsupported_key_hint(std::string_view key) {
    auto it = std::lower_bound(std::begin(kKeyHints), std::end(kKeyHints), key,
                               [](const KeyHint& h, std::string_view k) { return h.key < k; });
    return it != std::end(kKeyHints) && it->key == key ? it->instead : std::string_view();
}

std::string unsupported_key_warning(const std::string& where, std::string_view key) {
    std::string warning = where + " is not supported, ignored";
    if (auto hint = unsupported_key_hint(key); !hint.empty()) warning.append(": ").append(hint);
    return warning;
}

}  // namespace tend
