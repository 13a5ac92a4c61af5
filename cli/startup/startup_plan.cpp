// Resolving the user, the binaries and the unit directory, then writing the
// unit and driving systemctl.
#include "cli/startup/startup_plan.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/usage_error.h"
#include "common/atomic_file.h"
#include "common/errors.h"

extern char** environ;

namespace tend {
namespace {

// strerror in tend's voice: "no such file or directory".
std::string error_text(int err) {
    std::string text = std::strerror(err);
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

const passwd* find_user(const std::string& name) {
    const passwd* pw = name.empty() ? ::getpwuid(::getuid()) : ::getpwnam(name.c_str());
    if (!pw) throw UsageError("no user named '" + name + "'");
    return pw;
}

// tend and tendd as installed beside each other: the running tend's own path.
void fill_binaries(SystemdUnit& unit) {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw TendError(ErrorCode::kInternal, "cannot find tend's own path: " + ec.message());
    unit.tend_bin = self.string();
    unit.tendd_bin = (self.parent_path() / "tendd").string();
}

std::string default_unit_dir(UnitScope scope) {
    if (scope == UnitScope::kSystem) return "/etc/systemd/system";
    std::string config =
        env_or("XDG_CONFIG_HOME", env_or("HOME", find_user("")->pw_dir) + "/.config");
    return config + "/systemd/user";
}

// Runs argv and waits; "" on exit 0, else what went wrong.
std::string run_and_wait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int err = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (err != 0)
        return "cannot run " + argv[0] + ": " + error_text(err) + " (is systemd installed?)";
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                        : "signal " + std::to_string(WTERMSIG(status));
    return "'" + line + "' failed (" + how + "; is systemd running here?)";
}

void systemctl(UnitScope scope, const std::vector<std::string>& args) {
    auto argv = systemctl_command(scope);
    argv.insert(argv.end(), args.begin(), args.end());
    std::string failure = run_and_wait(argv);
    if (!failure.empty()) throw TendError(ErrorCode::kInternal, failure);
}

void write_unit_file(const StartupPlan& plan) {
    std::error_code ec;
    std::filesystem::create_directories(plan.unit_dir, ec);
    try {
        write_file_atomic(plan.unit_path, systemd_unit_text(plan.unit), 0644);
    } catch (const TendError& e) {
        std::string hint =
            plan.unit.scope == UnitScope::kSystem ? " (run as root, or use --user-unit)" : "";
        throw TendError(e.code(), e.what() + hint);
    }
}

}  // namespace

StartupPlan plan_startup(const std::string& init_system, const std::string& user, bool user_unit) {
    if (init_system != "systemd")
        throw UsageError("unsupported init system '" + init_system + "' (tend supports systemd)");
    if (user_unit && !user.empty()) throw UsageError("--user and --user-unit cannot be combined");
    StartupPlan plan;
    SystemdUnit& unit = plan.unit;
    unit.scope = user_unit ? UnitScope::kUser : UnitScope::kSystem;
    const passwd* pw = find_user(user);
    unit.user = pw->pw_name;
    unit.tend_home = std::string(pw->pw_dir) + "/.tend";
    fill_binaries(unit);
    plan.unit_dir = env_or("TEND_SYSTEMD_DIR", default_unit_dir(unit.scope));
    plan.unit_path = plan.unit_dir + "/" + systemd_unit_name(unit);
    return plan;
}

void install_startup(const StartupPlan& plan) {
    write_unit_file(plan);
    systemctl(plan.unit.scope, {"daemon-reload"});
    systemctl(plan.unit.scope, {"enable", systemd_unit_name(plan.unit)});
}

bool remove_startup(const StartupPlan& plan) {
    if (!std::filesystem::exists(plan.unit_path)) return false;
    systemctl(plan.unit.scope, {"disable", systemd_unit_name(plan.unit)});
    if (::unlink(plan.unit_path.c_str()) != 0)
        throw TendError(ErrorCode::kInternal,
                        "cannot remove " + plan.unit_path + ": " + error_text(errno));
    systemctl(plan.unit.scope, {"daemon-reload"});
    return true;
}

std::vector<std::string> systemctl_command(UnitScope scope) {
    std::vector<std::string> argv{env_or("TEND_SYSTEMCTL", "systemctl")};
    if (scope == UnitScope::kUser) argv.emplace_back("--user");
    return argv;
}

}  // namespace tend
