// Killing tendd the way an OOM killer would, and reading what the apps wrote.
#include "survival_support.h"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <unordered_set>

namespace tend::it {

pid_t wait_for_new_daemon(TendHome& t, pid_t old_pid) {
    pid_t now = 0;
    t.wait_until(
        [&] {
            now = t.serving_pid();
            return now > 0 && now != old_pid && process_alive(now) &&
                   t.run({"ping"}, 5s).exit_code == 0;
        },
        "a new tendd serving after " + std::to_string(old_pid));
    return now;
}

pid_t kill_daemon_and_wait_for_next(TendHome& t) {
    pid_t old_pid = t.serving_pid();
    REQUIRE(old_pid > 0);
    REQUIRE(::kill(old_pid, SIGKILL) == 0);
    t.wait_until([old_pid] { return !process_alive(old_pid); }, "the killed tendd to be gone");
    return wait_for_new_daemon(t, old_pid);
}

namespace {

// "2026-11-29T10:00:00: ", --time's prefix.
bool has_time_prefix(const std::string& line) {
    return line.size() > 21 && line[4] == '-' && line[10] == 'T' && line.compare(19, 2, ": ") == 0;
}

// The seq of a whole numbered line, or -1 when the line is not one.
long numbered_seq(const std::string& line) {
    // Built in place: GCC 12 at -O3 misreads " " + std::string(...) (-Warray-bounds).
    static const std::string tail = [] {
        std::string t(41, 'x');
        t[0] = ' ';
        return t;
    }();
    std::size_t space = line.find(' ');
    if (space == std::string::npos || line.size() < space + 2 + tail.size()) return -1;
    if (line.compare(line.size() - tail.size(), tail.size(), tail) != 0) return -1;
    std::string number = line.substr(space + 1, line.size() - tail.size() - space - 1);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::atol(number.c_str());
}

}  // namespace

NumberedLines check_numbered(const std::string& path, const std::string& instance) {
    NumberedLines r;
    std::unordered_set<long> seen;
    for (std::string line : whole_lines(path)) {
        if (has_time_prefix(line)) line.erase(0, 21);
        if (!instance.empty() && line.rfind(instance + " ", 0) != 0) {
            // Another instance's line of a merged file, or one torn so that
            // its instance is lost: only a whole line of another counts as such.
            if (numbered_seq(line) >= 0) continue;
        }
        ++r.count;
        long seq = numbered_seq(line);
        if (seq < 0) {
            ++r.torn;
            continue;
        }
        if (!seen.insert(seq).second) {
            ++r.duplicated;
            continue;
        }
        if (r.first < 0) r.first = seq;
        if (seq < r.last) ++r.out_of_order;
        r.last = std::max(r.last, seq);
    }
    if (r.first >= 0) r.missing = (r.last - r.first + 1) - static_cast<long>(seen.size());
    return r;
}

json kept_table(const json& list) {
    json out = json::object();
    for (const json& inst : list) {
        json kept;
        for (const char* key :
             {"id", "name", "namespace", "instance", "mode", "pid", "restarts", "unstable_restarts",
              "created_at", "started_at", "exit_code", "exit_signal", "restart_reason",
              "restart_reason_detail", "out_log"})
            kept[key] = inst.value(key, json());
        out[std::to_string(inst["id"].get<int>())] = kept;
    }
    return out;
}

}  // namespace tend::it
