// PM2's app options, key by key: each value is type-checked here, where the
// file and key path are known, then handed to to_app_spec() as `tend start`
// options would be, so both ways of starting resolve an app alike.
#include "cli/ecosystem/ecosystem_apps.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "cli/ecosystem/unsupported_keys.h"
#include "cli/usage_error.h"
#include "common/errors.h"
#include "common/log_format.h"
#include "common/probe_spec.h"
#include "common/text.h"

namespace tend {
namespace {

using Env = std::map<std::string, std::string>;

// One app entry as read so far.
struct AppInput {
    StartFlags flags;
    Env env;
    std::map<std::string, Env> env_blocks;  // env_production → {"production", ...}
};

[[noreturn]] void bad(const std::string& message) {
    throw TendError(ErrorCode::kBadRequest, message);
}

// "boolean" for a wrong type, the value itself for a wrong value.
std::string shown(const json& v) {
    if (v.is_string()) return std::string("'").append(v.get<std::string>()).append("'");
    if (v.is_number()) return v.dump();
    return v.type_name();
}

[[noreturn]] void bad_value(const std::string& where, const std::string& expected, const json& v) {
    bad(where + " must be " + expected + ", not " + shown(v));
}

std::string read_string(const json& v, const std::string& where) {
    if (!v.is_string()) bad_value(where, "a string", v);
    return v.get<std::string>();
}

bool read_bool(const json& v, const std::string& where) {
    if (!v.is_boolean()) bad_value(where, "a boolean", v);
    return v.get<bool>();
}

std::int64_t read_count(const json& v, const std::string& where) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
        bad_value(where, "a non-negative integer", v);
    return v.get<std::int64_t>();
}

// Milliseconds as a number, or PM2's strings: "500", "500ms", "2s", "1m", "1h".
std::string read_ms(const json& v, const std::string& where) {
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.dump();
    if (v.is_string())
        if (auto ms = parse_duration_ms(v.get<std::string>())) return std::to_string(*ms);
    bad_value(where, "a number of milliseconds or a duration such as '2s'", v);
}

std::string read_instances(const json& v, const std::string& where) {
    const char* expected = "an integer, 'max' or -1";
    if (v.is_number_integer() && v.get<std::int64_t>() >= -1) return v.dump();
    if (v.is_string() && (v == "max" || v == "-1" || parse_int(v.get<std::string>())))
        return v.get<std::string>();
    bad_value(where, expected, v);
}

std::string read_memory(const json& v, const std::string& where) {
    if (v.is_number_integer() && v.get<std::int64_t>() > 0) return v.dump();
    if (v.is_string() && parse_size(v.get<std::string>())) return v.get<std::string>();
    bad_value(where, "a size such as '200M' or a number of bytes", v);
}

std::string read_rotation_size(const json& v, const std::string& where) {
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.dump();
    if (v.is_string() && parse_rotation_size(v.get<std::string>())) return v.get<std::string>();
    bad_value(where, "a size such as '10M', a number of bytes, or 0 for never", v);
}

std::string read_port(const json& v, const std::string& where) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 65535)
        bad_value(where, "a port number 1..65535", v);
    return v.dump();
}

// A scalar as PM2 turns it into an environment string: numbers and booleans
// as written in JSON.
std::string scalar_text(const json& v, const std::string& where, const char* expected) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    bad_value(where, expected, v);
}

std::vector<std::string> read_args(const json& v, const std::string& where) {
    const char* expected = "a string or an array of strings";
    if (v.is_string()) return split_command_words(v.get<std::string>());
    if (!v.is_array()) bad_value(where, expected, v);
    std::vector<std::string> args;
    for (std::size_t i = 0; i < v.size(); ++i)
        args.push_back(scalar_text(v[i], where + "[" + std::to_string(i) + "]", "a string"));
    return args;
}

Env read_env(const json& v, const std::string& where) {
    if (!v.is_object()) bad_value(where, "an object", v);
    Env env;
    for (const auto& [key, value] : v.items())
        if (!value.is_null())
            env[key] = scalar_text(value, where + "." + key, "a string, number or boolean");
    return env;
}

std::string read_exit_codes(const json& v, const std::string& where) {
    const char* expected = "an exit code or an array of exit codes";
    auto code = [&](const json& c) {
        if (!c.is_number_integer() || c.get<std::int64_t>() < 0 || c.get<std::int64_t>() > 255)
            bad_value(where, expected, v);
        return c.dump();
    };
    if (!v.is_array()) return code(v);
    std::string codes;
    for (const auto& c : v) codes.append(codes.empty() ? "" : ",").append(code(c));
    if (codes.empty()) bad_value(where, expected, v);
    return codes;
}

// uid / gid: a name, or a number as PM2 also takes it.
std::string read_identity(const json& v, const std::string& where) {
    if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.dump();
    bad_value(where, "a user or group name or id", v);
}

// PM2's spellings: "fork", "cluster", "fork_mode", "cluster_mode".
std::string read_exec_mode(const json& v, const std::string& where) {
    std::string mode = v.is_string() ? canonical_exec_mode(v.get<std::string>()) : "";
    if (mode != "fork" && mode != "cluster") bad_value(where, "'fork' or 'cluster'", v);
    return mode;
}

// PM2's log_type ("json"), or "text".
std::string read_log_type(const json& v, const std::string& where) {
    if (!v.is_string() || (v != "json" && v != "text")) bad_value(where, "'json' or 'text'", v);
    return v.get<std::string>();
}

std::string read_date_format(const json& v, const std::string& where) {
    std::string text = read_string(v, where);
    try {
        DateFormat::parse(text);
    } catch (const std::invalid_argument& e) {
        bad(where + ": " + e.what());
    }
    return text;
}

// A probe object, checked here where its key path is known; it travels
// to to_app_spec() as --readiness/--liveness text would.
std::string read_probe_text(const json& v, const std::string& where) {
    read_probe(v, where);
    return v.dump();
}

// {"db": "ready", "migrate": "completed_successfully"}, or ["db", "cache"]
// (each "started").
std::map<std::string, std::string> read_depends_on(const json& v, const std::string& where) {
    std::map<std::string, std::string> deps;
    if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            deps[read_string(v[i], where + "[" + std::to_string(i) + "]")] = "started";
        return deps;
    }
    if (!v.is_object())
        bad_value(where, "an object of app names and conditions, or a list of names", v);
    for (const auto& [name, condition] : v.items()) {
        std::string c = read_string(condition, where + "." + name);
        if (!is_dependency_condition(c))
            bad_value(where + "." + name, "started, ready, healthy or completed_successfully",
                      condition);
        deps[name] = c;
    }
    return deps;
}

std::vector<std::string> read_paths(const json& v, const std::string& where) {
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) bad_value(where, "a string or an array of strings", v);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < v.size(); ++i)
        paths.push_back(read_string(v[i], where + "[" + std::to_string(i) + "]"));
    return paths;
}

// PM2's watch: true, false, a path, or paths.
void read_watch(const json& v, const std::string& where, StartFlags& f) {
    if (v.is_boolean()) {
        f.watch = v.get<bool>();
        return;
    }
    f.watch_paths = read_paths(v, where);
    f.watch = !f.watch_paths.empty();
}

using Apply = void (*)(const json& v, const std::string& where, AppInput& in);
struct Field {
    std::string_view key;
    Apply apply;
};

// clang-format off
// Every key tend reads.
const Field kFields[] = {
    {"args", [](const json& v, const std::string& w, AppInput& in) { in.flags.args = read_args(v, w); }},
    {"autorestart", [](const json& v, const std::string& w, AppInput& in) { in.flags.no_autorestart = !read_bool(v, w); }},
    {"cron_overlap", [](const json& v, const std::string& w, AppInput& in) { in.flags.cron_overlap = read_bool(v, w); }},
    {"cron_restart", [](const json& v, const std::string& w, AppInput& in) { in.flags.cron_restart = read_string(v, w); }},
    {"cron_timezone", [](const json& v, const std::string& w, AppInput& in) { in.flags.cron_timezone = read_string(v, w); }},
    {"cwd", [](const json& v, const std::string& w, AppInput& in) { in.flags.cwd = read_string(v, w); }},
    {"depends_on", [](const json& v, const std::string& w, AppInput& in) { in.flags.depends_on = read_depends_on(v, w); }},
    {"env", [](const json& v, const std::string& w, AppInput& in) { in.env = read_env(v, w); }},
    {"error_file", [](const json& v, const std::string& w, AppInput& in) { in.flags.error = read_string(v, w); }},
    {"env_file", [](const json& v, const std::string& w, AppInput& in) { in.flags.env_file = read_string(v, w); }},
    {"exec_mode", [](const json& v, const std::string& w, AppInput& in) { in.flags.exec_mode = read_exec_mode(v, w); }},
    {"exp_backoff_restart_delay", [](const json& v, const std::string& w, AppInput& in) { in.flags.exp_backoff_restart_delay = read_ms(v, w); }},
    {"ignore_watch", [](const json& v, const std::string& w, AppInput& in) { in.flags.ignore_watch = read_paths(v, w); }},
    {"instances", [](const json& v, const std::string& w, AppInput& in) { in.flags.instances = read_instances(v, w); }},
    {"interpreter", [](const json& v, const std::string& w, AppInput& in) { in.flags.interpreter = read_string(v, w); }},
    {"increment_var", [](const json& v, const std::string& w, AppInput& in) { in.flags.increment_var = read_string(v, w); }},
    {"instance_var", [](const json& v, const std::string& w, AppInput& in) { in.flags.instance_var = read_string(v, w); }},
    {"interpreter_args", [](const json& v, const std::string& w, AppInput& in) { in.flags.interpreter_args = read_args(v, w); }},
    {"kill_signal", [](const json& v, const std::string& w, AppInput& in) { in.flags.kill_signal = read_string(v, w); }},
    {"kill_timeout", [](const json& v, const std::string& w, AppInput& in) { in.flags.kill_timeout = read_ms(v, w); }},
    {"log_date_format", [](const json& v, const std::string& w, AppInput& in) { in.flags.log_date_format = read_date_format(v, w); }},
    {"log_date_utc", [](const json& v, const std::string& w, AppInput& in) { in.flags.log_date_utc = read_bool(v, w); }},
    {"log_type", [](const json& v, const std::string& w, AppInput& in) { in.flags.log_type = read_log_type(v, w); }},
    {"liveness", [](const json& v, const std::string& w, AppInput& in) { in.flags.liveness = read_probe_text(v, w); }},
    {"listen_timeout", [](const json& v, const std::string& w, AppInput& in) { in.flags.listen_timeout = read_ms(v, w); }},
    {"max_memory_restart", [](const json& v, const std::string& w, AppInput& in) { in.flags.max_memory_restart = read_memory(v, w); }},
    {"max_restarts", [](const json& v, const std::string& w, AppInput& in) { in.flags.max_restarts = std::to_string(read_count(v, w)); }},
    {"max_size", [](const json& v, const std::string& w, AppInput& in) { in.flags.max_size = read_rotation_size(v, w); }},
    {"compress", [](const json& v, const std::string& w, AppInput& in) { in.flags.compress = read_bool(v, w); }},
    {"retain", [](const json& v, const std::string& w, AppInput& in) { in.flags.retain = std::to_string(read_count(v, w)); }},
    {"rotate_date_format", [](const json& v, const std::string& w, AppInput& in) { in.flags.rotate_date_format = read_string(v, w); }},
    {"rotate_interval", [](const json& v, const std::string& w, AppInput& in) { in.flags.rotate_interval = read_string(v, w); }},
    {"merge_logs", [](const json& v, const std::string& w, AppInput& in) { in.flags.merge_logs = read_bool(v, w); }},
    {"min_uptime", [](const json& v, const std::string& w, AppInput& in) { in.flags.min_uptime = read_ms(v, w); }},
    {"gid", [](const json& v, const std::string& w, AppInput& in) { in.flags.gid = read_identity(v, w); }},
    {"name", [](const json& v, const std::string& w, AppInput& in) { in.flags.name = read_string(v, w); }},
    {"namespace", [](const json& v, const std::string& w, AppInput& in) { in.flags.ns = read_string(v, w); }},
    {"node_args", [](const json& v, const std::string& w, AppInput& in) { in.flags.interpreter_args = read_args(v, w); }},
    {"out_file", [](const json& v, const std::string& w, AppInput& in) { in.flags.output = read_string(v, w); }},
    {"port", [](const json& v, const std::string& w, AppInput& in) { in.flags.port = read_port(v, w); }},
    {"readiness", [](const json& v, const std::string& w, AppInput& in) { in.flags.readiness = read_probe_text(v, w); }},
    {"restart_delay", [](const json& v, const std::string& w, AppInput& in) { in.flags.restart_delay = read_ms(v, w); }},
    {"script", [](const json& v, const std::string& w, AppInput& in) { in.flags.script = read_string(v, w); }},
    {"stop_exit_codes", [](const json& v, const std::string& w, AppInput& in) { in.flags.stop_exit_codes = read_exit_codes(v, w); }},
    {"time", [](const json& v, const std::string& w, AppInput& in) { in.flags.time = read_bool(v, w); }},
    {"timezone", [](const json& v, const std::string& w, AppInput& in) { in.flags.cron_timezone = read_string(v, w); }},
    {"uid", [](const json& v, const std::string& w, AppInput& in) { in.flags.uid = read_identity(v, w); }},
    {"wait_ready", [](const json& v, const std::string& w, AppInput& in) { in.flags.wait_ready = read_bool(v, w); }},
    {"watch", [](const json& v, const std::string& w, AppInput& in) { read_watch(v, w, in.flags); }},
    {"watch_delay", [](const json& v, const std::string& w, AppInput& in) { in.flags.watch_delay = read_ms(v, w); }},
    {"watch_reload", [](const json& v, const std::string& w, AppInput& in) { in.flags.watch_reload = read_bool(v, w); }},
};
// clang-format on

const Field* find_field(std::string_view key) {
    for (const auto& f : kFields)
        if (f.key == key) return &f;
    return nullptr;
}

// The app entries of a document: {"apps": [...]}, a bare array, or one app.
const json& app_entries(const json& doc, const std::string& file, json& single) {
    if (doc.is_array()) return doc;
    if (doc.is_object() && doc.contains("apps")) {
        if (!doc["apps"].is_array()) bad_value(file + ": apps", "an array", doc["apps"]);
        return doc["apps"];
    }
    if (doc.is_object() && doc.contains("script")) return single = json::array({doc});
    bad(file + ": no 'apps' array");
}

std::string entry_path(std::size_t index) {
    return "apps[" + std::to_string(index) + "]";
}

AppInput read_entry(const json& entry, const std::string& where,
                    std::vector<std::string>& warnings) {
    if (!entry.is_object()) bad_value(where, "an object", entry);
    AppInput in;
    for (const auto& [key, value] : entry.items()) {
        std::string at = where + "." + key;
        if (value.is_null()) continue;
        // A key of its own first: env_file is not an env_NAME block.
        if (const Field* field = find_field(key))
            field->apply(value, at, in);
        else if (key.rfind("env_", 0) == 0 && key.size() > 4)
            in.env_blocks[key.substr(4)] = read_env(value, at);
        else
            warnings.push_back(unsupported_key_warning(at, key));
    }
    if (in.flags.script.empty()) bad(where + ".script is required");
    return in;
}

std::string app_name(const AppInput& in) {
    return in.flags.name.empty() ? default_app_name(in.flags.script) : in.flags.name;
}

struct Entry {
    std::string where;  // "FILE: apps[1]"
    AppInput input;
};

std::string app_namespace(const AppInput& in) {
    return in.flags.ns.empty() ? "default" : in.flags.ns;
}

// The app names --only selects: each word is an app's name or, failing
// that, a namespace standing for its apps (an app wins, as for targets).
std::set<std::string> only_names(const std::vector<Entry>& all, const EcosystemSelection& sel) {
    std::set<std::string> chosen;
    std::vector<std::string> names;
    for (const Entry& e : all) names.push_back(app_name(e.input));
    for (const auto& word : sel.only) {
        if (std::find(names.begin(), names.end(), word) != names.end()) {
            chosen.insert(word);
            continue;
        }
        bool found = false;
        for (const Entry& e : all)
            if (app_namespace(e.input) == word) {
                chosen.insert(app_name(e.input));
                found = true;
            }
        if (!found)
            bad(sel.file + ": --only names '" + word +
                "', which is not an app or a namespace of this file" + did_you_mean(word, names));
    }
    return chosen;
}

// Every entry, read and checked, then narrowed to --only; warnings for
// every entry, selected or not, since they describe the file.
std::vector<Entry> selected_entries(const json& doc, const EcosystemSelection& sel,
                                    std::vector<std::string>& warnings) {
    json single;
    const json& entries = app_entries(doc, sel.file, single);
    if (doc.is_object() && doc.contains("apps"))
        for (const auto& [key, value] : doc.items())
            if (key != "apps")
                warnings.push_back(unsupported_key_warning(sel.file + ": " + key, key));
    std::vector<Entry> all;
    std::set<std::string> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::string where = sel.file + ": " + entry_path(i);
        AppInput in = read_entry(entries[i], where, warnings);
        if (!names.insert(app_name(in)).second)
            bad(where + ": the name '" + app_name(in) + "' is used by an earlier app");
        all.push_back({where, std::move(in)});
    }
    if (sel.only.empty()) return all;
    std::set<std::string> chosen = only_names(all, sel);
    std::erase_if(all, [&](const Entry& e) { return !chosen.count(app_name(e.input)); });
    return all;
}

Env merged_env(const AppInput& in, const EcosystemSelection& sel) {
    Env env = in.env;
    if (auto block = in.env_blocks.find(sel.env_name); block != in.env_blocks.end())
        for (const auto& [k, v] : block->second) env[k] = v;
    for (const auto& [k, v] : parse_env_pairs(sel.env_pairs)) env[k] = v;
    return env;
}

AppSpec to_spec(const Entry& e, const EcosystemSelection& sel, const StartEnvironment& env) {
    StartFlags flags = e.input.flags;
    flags.cwd = absolute_path(flags.cwd.empty() ? "." : flags.cwd, sel.dir);
    try {
        AppSpec spec = to_app_spec(flags, env);
        // spec.env holds env_file's variables: env, env_NAME and --env win.
        for (auto& [key, value] : merged_env(e.input, sel)) spec.env[key] = std::move(value);
        return spec;
    } catch (const std::runtime_error& err) {
        bad(e.where + ": " + err.what());
    }
}

}  // namespace

EcosystemApps ecosystem_apps(const json& doc, const EcosystemSelection& selection,
                             const StartEnvironment& env) {
    EcosystemApps apps;
    std::vector<std::string> warnings;
    std::vector<Entry> entries = selected_entries(doc, selection, warnings);
    bool env_found = selection.env_name.empty();
    for (const Entry& e : entries) {
        apps.specs.push_back(to_spec(e, selection, env));
        env_found = env_found || e.input.env_blocks.count(selection.env_name);
    }
    apps.warnings = std::move(warnings);
    if (!env_found)
        apps.warnings.push_back(selection.file + ": no app has env_" + selection.env_name +
                                " (--env " + selection.env_name + "), ignored");
    return apps;
}

std::vector<std::string> ecosystem_app_names(const json& doc, const EcosystemSelection& selection) {
    std::vector<std::string> warnings;
    std::vector<std::string> names;
    for (const Entry& e : selected_entries(doc, selection, warnings))
        names.push_back(app_name(e.input));
    return names;
}

std::vector<AppDependencies> ecosystem_app_dependencies(const json& doc,
                                                        const EcosystemSelection& selection) {
    std::vector<std::string> warnings;
    std::vector<AppDependencies> apps;
    for (const Entry& e : selected_entries(doc, selection, warnings))
        apps.push_back({app_name(e.input), e.input.flags.depends_on});
    return apps;
}

EcosystemSelection make_selection(const std::string& path, const std::string& cwd,
                                  const std::string& only, const std::vector<std::string>& env) {
    EcosystemSelection sel;
    std::string absolute = absolute_path(path, cwd);
    sel.file = std::filesystem::path(absolute).filename().string();
    sel.dir = std::filesystem::path(absolute).parent_path().string();
    sel.only = split_only(only);
    for (const auto& value : env) {
        if (value.find('=') != std::string::npos) {
            sel.env_pairs.push_back(value);
        } else {
            if (!sel.env_name.empty())
                throw UsageError("--env: one environment name only, got '" + sel.env_name +
                                 "' and '" + value + "'");
            sel.env_name = value;
        }
    }
    return sel;
}

std::vector<std::string> split_command_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
            word += text[++i];
            in_word = true;
        } else if (quote) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::vector<std::string> split_only(std::string_view text) {
    std::vector<std::string> names;
    std::string_view rest = text;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view name = rest.substr(0, comma);
        if (!name.empty()) names.emplace_back(name);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return names;
}

}  // namespace tend
