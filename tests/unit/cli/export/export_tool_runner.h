// Running the real tools that read what the exporters write (kubectl,
// docker-compose) from the CLI's unit tests: found the way a fresh Debian
// has them, run with a deadline in a private HOME.
#pragma once

#include <string>
#include <vector>

namespace tend::test {

struct ToolResult {
    int exit_code = -1;  // -1: killed at the deadline, or not run
    std::string out;
    std::string err;
};

// Runs argv (argv[0] a path) with stdin on /dev/null and only the given
// environment ("KEY=value"), in dir; SIGKILLs and reaps it after 60 s.
ToolResult run_tool(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& dir);

// The program a Debian package installs at bin_path ("/usr/bin/kubectl")
// by `dpkg-query -L`, else override (an environment variable's value, when
// set), else fallback when it is executable, else "".
std::string debian_tool(const std::string& package, const std::string& bin_path,
                        const char* override_var, const std::string& fallback);

// A new empty directory under TMPDIR (or /tmp), removed by the destructor.
class ToolScratch {
  public:
    ToolScratch();
    ~ToolScratch();
    ToolScratch(const ToolScratch&) = delete;
    ToolScratch& operator=(const ToolScratch&) = delete;
    const std::string& path() const { return path_; }
    // Writes text to name in the directory; returns the file's path.
    std::string write(const std::string& name, const std::string& text) const;

  private:
    std::string path_;
};

}  // namespace tend::test
