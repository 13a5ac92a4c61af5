// An ecosystem file's text into JSON, whatever its format. A .js file is
// PM2's own format and may compute its apps, so node evaluates it: an
// existing ecosystem.config.js works unchanged.
#include "cli/ecosystem/ecosystem_file.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "common/errors.h"
#include "common/json_limits.h"

extern char** environ;

namespace tend {
namespace {

// Prints the module's export as JSON. import() reads CommonJS and ES
// modules alike; a CommonJS module.exports arrives as the default export.
constexpr const char* kNodeProgram =
    "const url = require('url'), path = require('path');"
    "import(url.pathToFileURL(path.resolve(process.argv[1])).href).then((m) => {"
    "  const v = m.default !== undefined ? m.default : m;"
    "  process.stdout.write(JSON.stringify(v === undefined ? null : v));"
    "}).catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });";

std::string file_label(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw TendError(ErrorCode::kBadRequest, "cannot read '" + file_label(path) + "': " + why);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open it");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string read_fd(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

// The line of node's stderr that says what went wrong ("SyntaxError: ...").
std::string node_error_line(const std::string& err) {
    std::istringstream lines(err);
    std::string line, first;
    while (std::getline(lines, line)) {
        if (first.empty() && !line.empty()) first = line;
        if (line.find("Error") != std::string::npos) return line;
    }
    return first;
}

struct NodeRun {
    int status = 0;
    std::string out;
    std::string err;
};

// Runs node on the file with stdout on a pipe and stderr in a temp file
// (read after exit, so a loud stderr can never block the stdout reader).
NodeRun run_node(const std::string& path) {
    int out[2];
    FILE* err = std::tmpfile();
    if (!err || ::pipe2(out, O_CLOEXEC) != 0) fail(path, "cannot run node");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fileno(err), STDERR_FILENO);
    std::vector<const char*> argv{"node", "-e", kNodeProgram, path.c_str(), nullptr};
    pid_t pid = 0;
    int rc =
        posix_spawnp(&pid, "node", &actions, nullptr, const_cast<char**>(argv.data()), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    NodeRun run;
    if (rc == 0) run.out = read_fd(out[0]);
    ::close(out[0]);
    if (rc == 0) ::waitpid(pid, &run.status, 0);
    std::rewind(err);
    run.err = read_fd(fileno(err));
    std::fclose(err);
    if (rc == ENOENT) fail(path, "node was not found in PATH (it evaluates .js ecosystem files)");
    if (rc != 0) fail(path, std::string("cannot run node: ") + std::strerror(rc));
    return run;
}

json read_js(const std::string& path) {
    NodeRun run = run_node(path);
    if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0)
        fail(path, "node could not evaluate it: " + node_error_line(run.err));
    ParsedJson doc = parse_json_limited(run.out);
    if (doc.problem == JsonProblem::kTooDeep) fail(path, too_deep_message("its export"));
    if (!doc.ok()) fail(path, "node did not print it as JSON");
    return std::move(doc.value);
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

json yaml_scalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() == "!") return text;  // quoted: a string whatever it reads like
    static const std::regex kNull("~|null|Null|NULL|");
    static const std::regex kTrue("true|True|TRUE"), kFalse("false|False|FALSE");
    static const std::regex kInt("[-+]?[0-9]+");
    static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (std::regex_match(text, kNull)) return nullptr;
    if (std::regex_match(text, kTrue)) return true;
    if (std::regex_match(text, kFalse)) return false;
    try {
        if (std::regex_match(text, kInt)) return std::stoll(text);
        if (std::regex_match(text, kFloat)) return std::stod(text);
    } catch (const std::out_of_range&) {
    }
    return text;
}

// An alias (*name) stands for the whole node it names, so converting
// copies that node each time: a few lines of aliases of aliases make
// billions of values, and an anchor used inside its own node (&a [*a]) is a
// node that contains itself. Text without aliases has at most one value per
// byte or so; the budget allows twice that, and the depth is JSON's limit.
struct YamlBudget {
    std::size_t values_left;
};

json yaml_to_json(const YAML::Node& node, int depth, YamlBudget& budget) {
    if (budget.values_left == 0)
        throw TendError(ErrorCode::kBadRequest, "its aliases expand to too many values");
    --budget.values_left;
    bool container = node.Type() == YAML::NodeType::Map || node.Type() == YAML::NodeType::Sequence;
    if (container && depth >= kMaxJsonDepth)
        throw TendError(ErrorCode::kBadRequest, too_deep_message("it"));
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            json obj = json::object();
            for (const auto& kv : node)
                obj[kv.first.as<std::string>()] = yaml_to_json(kv.second, depth + 1, budget);
            return obj;
        }
        case YAML::NodeType::Sequence: {
            json arr = json::array();
            for (const auto& item : node) arr.push_back(yaml_to_json(item, depth + 1, budget));
            return arr;
        }
        case YAML::NodeType::Scalar:
            return yaml_scalar(node);
        default:
            return nullptr;
    }
}

}  // namespace

bool has_ecosystem_name(std::string_view path) {
    for (auto suffix : {".config.js", ".config.cjs", ".config.mjs", ".json", ".yaml", ".yml"})
        if (ends_with(path, suffix)) return true;
    return false;
}

bool is_ecosystem_file(const std::string& path) {
    std::error_code ec;
    return has_ecosystem_name(path) && std::filesystem::is_regular_file(path, ec);
}

json parse_ecosystem_json(std::string_view text) {
    try {
        bool too_deep = false;
        json doc = parse_json_limited_or_throw(text, too_deep);
        if (too_deep) throw TendError(ErrorCode::kBadRequest, too_deep_message("it"));
        return doc;
    } catch (const json::exception& e) {
        // parse_error, or out_of_range for a number past a double (1e400).
        std::string what = e.what();
        throw TendError(ErrorCode::kBadRequest, "invalid JSON: " + what.substr(what.find(']') + 2));
    }
}

json parse_yaml(std::string_view text) {
    YamlBudget budget{2 * text.size() + 1000};
    try {
        return yaml_to_json(YAML::Load(std::string(text)), 0, budget);
    } catch (const YAML::Exception& e) {
        throw TendError(ErrorCode::kBadRequest,
                        "invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

json read_ecosystem_file(const std::string& path) {
    bool is_json = ends_with(path, ".json");
    if (is_json || ends_with(path, ".yaml") || ends_with(path, ".yml")) {
        std::string text = read_text(path);
        try {
            return is_json ? parse_ecosystem_json(text) : parse_yaml(text);
        } catch (const TendError& e) {
            fail(path, e.what());
        }
    }
    return read_js(path);
}

}  // namespace tend
