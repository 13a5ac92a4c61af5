// `tend report`: what a bug report needs, in one paste: versions, TEND_HOME
// and its permissions, the daemon's pid, version, uptime and memory, the
// CPUs it may use (what -i max comes to, and why), and the last lines of
// tendd.log. Never starts a daemon: a report on a daemon that
// will not start is the one most needed.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "cli/commands/commands.h"
#include "common/commands.h"
#include "common/messages.h"
#include "common/text.h"
#include "common/version.h"

namespace tend {
namespace {

constexpr std::size_t kReportLogLines = 30;
constexpr std::streamoff kReportLogBytes = 64 * 1024;  // enough for the last lines

std::string system_text() {
    struct utsname u {};
    if (::uname(&u) != 0) return "unknown";
    return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

// `node --version`, as an ecosystem .js file and Node apps will use it.
std::string node_version() {
    FILE* pipe = ::popen("node --version 2>/dev/null", "r");
    if (!pipe) return "not found";
    char buffer[64] = {};
    std::string text = std::fgets(buffer, sizeof buffer, pipe) ? buffer : "";
    ::pclose(pipe);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text.empty() ? "not found" : text;
}

std::string home_text(const std::string& home) {
    struct stat st {};
    if (::stat(home.c_str(), &st) != 0) return home + " (missing)";
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    std::string owner = std::to_string(st.st_uid);
    std::string you = std::to_string(::getuid());
    return home + " (mode " + mode + ", owner uid " + owner + ", you uid " + you + ")";
}

// Seconds the process has run and its RSS in bytes, from /proc.
std::string process_text(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
    }
    double up = 0;
    std::ifstream("/proc/uptime") >> up;
    auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double started = field.empty() ? up : std::stod(field) / ticks;
    std::int64_t rss_kb = 0;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string l; std::getline(status, l);)
        if (l.rfind("VmRSS:", 0) == 0) rss_kb = std::stoll(l.substr(6));
    return "up " + format_uptime(static_cast<std::int64_t>((up - started) * 1000)) + ", memory " +
           format_bytes(rss_kb * 1024);
}

std::string daemon_text(const CommandContext& ctx) {
    try {
        auto ping = decode_result<PingResult>(ctx.call(json::object()));
        auto list = decode_result<InstancesResult>(ctx.call(cmd::kList, ListArgs{}));
        std::set<std::string> apps;
        for (const auto& info : list.instances) apps.insert(info.name);
        std::string text = "pid " + std::to_string(ping.pid) + ", version " + ping.version + ", " +
                           process_text(ping.pid) + ", " + std::to_string(apps.size()) +
                           " app(s), " + std::to_string(list.instances.size()) + " instance(s)";
        // The daemon's count, not this shell's: -i max is resolved there.
        if (!ping.cpus_detail.empty()) text.append("\ncpus:    ").append(ping.cpus_detail);
        return text;
    } catch (const TendError& e) {
        return e.what();
    }
}

std::string log_tail_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "(no " + path + ")\n";
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    in.seekg(size > kReportLogBytes ? size - kReportLogBytes : 0);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    if (size > kReportLogBytes && !lines.empty()) lines.erase(lines.begin());  // cut in two
    std::size_t from = lines.size() > kReportLogLines ? lines.size() - kReportLogLines : 0;
    std::string text;
    for (std::size_t i = from; i < lines.size(); ++i) text += lines[i] + "\n";
    return text;
}

int run_report(CommandContext& ctx) {
    std::string text = "tend report\n";
    text += "tend:    " + std::string(kVersion) + "\n";
    text += "system:  " + system_text() + "\n";
    text += "node:    " + node_version() + "\n";
    text += "home:    " + home_text(ctx.paths.home) + "\n";
    text += "daemon:  " + daemon_text(ctx) + "\n";
    text += "--- last lines of " + ctx.paths.daemon_log + "\n";
    text += log_tail_text(ctx.paths.daemon_log);
    print_now(text);
    return 0;
}

}  // namespace

CommandRunner setup_report(CLI::App& app) {
    return run_report;
}

}  // namespace tend
