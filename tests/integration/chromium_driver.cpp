// The DevTools protocol over Chromium's pipe: see chromium_driver.h.
#include "chromium_driver.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace tend::it {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The chromium on PATH (Debian's /usr/bin/chromium wrapper), or "".
std::string find_chromium() {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string candidate = dirs.substr(start, end - start);
        candidate += "/chromium";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return "";
}

std::string make_temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tend-chromium-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for Chromium's profile");
    return tmpl;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Our environment, with HOME and the XDG folders in the temp dir: Chromium
// writes there (~/.pki, caches) whoever runs the test, root in CI or the
// unprivileged tend-ci, whose real HOME may not be writable.
std::vector<std::string> chromium_env(const std::string& dir) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        if (entry.starts_with("HOME=") || entry.starts_with("XDG_CONFIG_HOME=") ||
            entry.starts_with("XDG_CACHE_HOME="))
            continue;
        env.emplace_back(entry);
    }
    env.push_back("HOME=" + dir);
    env.push_back("XDG_CONFIG_HOME=" + dir + "/config");
    env.push_back("XDG_CACHE_HOME=" + dir + "/cache");
    return env;
}

// fd moved to 10 or above, so that dup2 onto 3 or 4 never meets itself
// (dup2 of an fd onto itself would keep its close-on-exec flag).
int above_low_fds(int fd) {
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    ::close(fd);
    return moved;
}

std::string base64_decode(const std::string& text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    int bits = 0;
    unsigned buffer = 0;
    for (char c : text) {
        int v = value(c);
        if (v < 0) continue;  // '=' padding, newlines
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

// Writes all of bytes to a pipe whose reader may have died: SIGPIPE is
// blocked on this thread for the write and a pending one discarded, so a
// dead Chromium is an exception, not the end of the test binary.
bool write_all_no_sigpipe(int fd, const std::string& bytes) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    bool ok = true;
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (!ok) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

}  // namespace

Chromium::Chromium(Millis start_timeout) {
    dir_ = make_temp_dir();
    try {
        start();
        // The first answer says the browser is up (it may take seconds on a
        // busy machine); then one page of our own, attached in flat mode so
        // its commands go on this same pipe with a sessionId.
        json target = call("Target.createTarget", {{"url", "about:blank"}}, start_timeout, true);
        json attached = call("Target.attachToTarget",
                             {{"targetId", target.at("targetId")}, {"flatten", true}}, 10s, true);
        session_ = attached.at("sessionId").get<std::string>();
    } catch (const std::exception& e) {
        std::string message =
            std::string("Chromium did not start: ") + e.what() + "\n" + output_tail();
        stop();
        throw std::runtime_error(message);
    }
}

Chromium::~Chromium() {
    stop();
}

void Chromium::start() {
    std::string program = find_chromium();
    if (program.empty()) throw std::runtime_error("no chromium on PATH (Debian package chromium)");
    std::filesystem::create_directories(dir_ + "/profile");
    std::vector<std::string> args = {program,
                                     "--headless",
                                     "--no-sandbox",  // root in CI has no sandbox
                                     "--disable-gpu",
                                     "--remote-debugging-pipe",
                                     "--user-data-dir=" + dir_ + "/profile",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-dev-shm-usage",
                                     "--hide-scrollbars",
                                     "--mute-audio",
                                     "--window-size=1200,640",
                                     "about:blank"};
    std::vector<std::string> env = chromium_env(dir_);
    auto argv = c_strings(args);
    auto envp = c_strings(env);

    int commands[2], replies[2];
    if (::pipe2(commands, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (::pipe2(replies, O_CLOEXEC) != 0) {
        ::close(commands[0]);
        ::close(commands[1]);
        throw std::runtime_error("pipe2 failed");
    }
    int commands_in = above_low_fds(commands[0]);
    int replies_out = above_low_fds(replies[1]);
    std::string log_path = dir_ + "/chromium.log";
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = ::getpid();

    pid_t pid = ::fork();
    if (pid == 0) {
        // Its own process group, so stop() can end the renderers and the
        // zygote with it; and its end if the test binary dies first.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(devnull, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        ::dup2(commands_in, 3);
        ::dup2(replies_out, 4);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(commands_in);
    ::close(replies_out);
    ::close(log);
    ::close(devnull);
    if (pid < 0) {
        ::close(commands[1]);
        ::close(replies[0]);
        throw std::runtime_error("fork failed");
    }
    ::setpgid(pid, pid);  // also here: no race with the first kill(-pid)
    pid_ = pid;
    to_browser_ = commands[1];
    from_browser_ = replies[0];
}

void Chromium::stop() {
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        if (!reaped_) kill_child(pid_);  // SIGKILL and reap the browser itself
        // Its children (zygote, renderers) are in its group; wait until the
        // group is empty (they are not ours to reap).
        auto deadline = Clock::now() + 10s;
        while (::kill(-pid_, SIGKILL) == 0 && Clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        pid_ = -1;
    }
    for (int* fd : {&to_browser_, &from_browser_}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        dir_.clear();
    }
}

std::string Chromium::output_tail() const {
    if (dir_.empty()) return "";
    std::string text = read_file(dir_ + "/chromium.log");
    return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

bool Chromium::alive() {
    if (pid_ < 0 || reaped_) return false;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
}

void Chromium::send(const json& message) {
    std::string bytes = message.dump();
    bytes.push_back('\0');
    if (to_browser_ < 0 || !write_all_no_sigpipe(to_browser_, bytes))
        throw std::runtime_error("Chromium's command pipe is closed (did it exit?)");
}

json Chromium::read_reply(int id, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        // Whole messages first: events (no "id") and stale replies are skipped.
        for (std::size_t nul; (nul = pending_.find('\0')) != std::string::npos;) {
            json message = json::parse(pending_.substr(0, nul), nullptr, false);
            pending_.erase(0, nul + 1);
            if (message.is_object() && message.value("id", -1) == id) return message;
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        if (left.count() <= 0) throw std::runtime_error("no answer from Chromium in time");
        pollfd p{from_browser_, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 200)));
        if (ready <= 0) continue;
        char buf[65536];
        ssize_t n = ::read(from_browser_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("Chromium closed its pipe (did it exit?)");
        pending_.append(buf, static_cast<std::size_t>(n));
    }
}

json Chromium::call(const std::string& method, json params, Millis timeout, bool browser) {
    json message = {{"id", ++next_id_}, {"method", method}, {"params", std::move(params)}};
    if (!browser) message["sessionId"] = session_;
    send(message);
    json reply = read_reply(next_id_, timeout);
    if (reply.contains("error"))
        throw std::runtime_error(method + " failed: " + reply["error"].dump());
    return reply.value("result", json::object());
}

json Chromium::evaluate(const std::string& expression, Millis timeout) {
    json result = call(
        "Runtime.evaluate",
        {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}}, timeout);
    if (result.contains("exceptionDetails")) {
        const json& details = result["exceptionDetails"];
        std::string text = details.value("text", "exception");
        if (details.contains("exception"))
            text += ": " + details["exception"].value("description", "");
        throw std::runtime_error("evaluate(" + expression + "): " + text);
    }
    return result.at("result").value("value", json());
}

bool Chromium::wait_for(const std::string& expression, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    do {
        try {
            json value = evaluate("!!(" + expression + ")", 5s);
            if (value.is_boolean() && value.get<bool>()) return true;
        } catch (const std::runtime_error&) {
            if (!alive()) throw;  // it died: waiting longer is no use
            // else: a navigation in progress; try again
        }
        std::this_thread::sleep_for(100ms);
    } while (Clock::now() < deadline);
    return false;
}

void Chromium::navigate(const std::string& url, Millis timeout) {
    // A mark on the old document: the new one has loaded once it is gone
    // and the new document says it is complete.
    evaluate("window.__tendOldDocument = true");
    json result = call("Page.navigate", {{"url", url}}, timeout);
    if (result.contains("errorText") && !result["errorText"].get<std::string>().empty())
        throw std::runtime_error("navigating to " + url + ": " +
                                 result["errorText"].get<std::string>());
    if (!wait_for("!window.__tendOldDocument && document.readyState === 'complete'", timeout))
        throw std::runtime_error("the page at " + url + " did not finish loading in time");
}

void Chromium::screenshot(const std::string& path) {
    json result = call("Page.captureScreenshot", {{"format", "png"}}, 20s);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << base64_decode(result.at("data").get<std::string>());
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace tend::it
