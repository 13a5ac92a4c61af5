// The signal table: the signals a process manager sends or reports.
#include "common/signals.h"

#include <array>
#include <charconv>
#include <csignal>
#include <utility>

namespace tend {
namespace {

constexpr std::array<std::pair<int, std::string_view>, 20> kSignals{{
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"}, {SIGWINCH, "SIGWINCH"},
}};

}  // namespace

int signal_number(std::string_view name) {
    int n = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
    if (ec == std::errc() && p == name.data() + name.size()) return n > 0 && n < 65 ? n : 0;
    for (const auto& [num, sig] : kSignals) {
        if (sig == name || sig.substr(3) == name) return num;
    }
    return 0;
}

std::string signal_name(int number) {
    for (const auto& [num, sig] : kSignals)
        if (num == number) return std::string(sig);
    return "SIG" + std::to_string(number);
}

}  // namespace tend
