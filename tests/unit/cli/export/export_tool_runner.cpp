#include "export_tool_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tend::test {
namespace {

std::string tool_read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

[[noreturn]] void tool_exec_child(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& env, const std::string& dir,
                                  const std::string& out, const std::string& err) {
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0 || chdir(dir.c_str()) != 0) _exit(126);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    args.push_back(nullptr);
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
}

}  // namespace

ToolResult run_tool(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& dir) {
    std::string out = dir + "/.tool-out", err = dir + "/.tool-err";
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) tool_exec_child(argv, env, dir, out, err);
    ToolResult result;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = tool_read_file(out);
    result.err = tool_read_file(err);
    return result;
}

std::string debian_tool(const std::string& package, const std::string& bin_path,
                        const char* override_var, const std::string& fallback) {
    if (const char* set = std::getenv(override_var); set && *set) return set;
    ToolScratch scratch;
    ToolResult listed = run_tool({"/usr/bin/dpkg-query", "-L", package},
                                 {"PATH=/usr/bin:/bin", "LC_ALL=C"}, scratch.path());
    if (listed.exit_code == 0 &&
        ("\n" + listed.out).find("\n" + bin_path + "\n") != std::string::npos &&
        access(bin_path.c_str(), X_OK) == 0)
        return bin_path;
    return access(fallback.c_str(), X_OK) == 0 ? fallback : "";
}

ToolScratch::ToolScratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tend-export-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

ToolScratch::~ToolScratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string ToolScratch::write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
}

}  // namespace tend::test
