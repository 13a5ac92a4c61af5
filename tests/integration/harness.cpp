// TendHome and friends: one private daemon per test, always cleaned up.
#include "harness.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <thread>

#include "common/version.h"

namespace tend::it {
namespace {

using Clock = std::chrono::steady_clock;

bool g_test_failed = false;

// Notes failed assertions so TendHome's destructor knows to print the
// daemon's log; doctest has no public "did this test fail" query.
struct FailureListener : doctest::IReporter {
    explicit FailureListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData&) override { g_test_failed = false; }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override { g_test_failed = true; }
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& data) override {
        if (data.m_failed) g_test_failed = true;
    }
    void log_message(const doctest::MessageData& data) override {
        if (data.m_severity & (doctest::assertType::is_check | doctest::assertType::is_require))
            g_test_failed = true;
    }
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("tend_failure_flag", 1, FailureListener);

std::string tail_of(const std::string& text, std::size_t lines) {
    auto all = split_lines(text);
    std::size_t from = all.size() > lines ? all.size() - lines : 0;
    std::string out;
    for (std::size_t i = from; i < all.size(); ++i) out += all[i] + "\n";
    return out;
}

json filter_app(const json& list, const std::string& name) {
    json out = json::array();
    for (const auto& inst : list)
        if (inst.value("name", "") == name) out.push_back(inst);
    std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
        return a.value("instance", 0) < b.value("instance", 0);
    });
    return out;
}

}  // namespace

bool current_test_failed() {
    return g_test_failed;
}

namespace {

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Words of a line: runs of letters, digits and _ - . / % (so paths and
// "1.5s" stay whole; table borders and punctuation split).
std::vector<std::string> words_of(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    for (char c : line + " ") {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x80 && (std::isalnum(u) || std::strchr("_-./%", c))) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    return words;
}

bool is_value_word(const std::string& word, const std::string& value) {
    if (word.rfind(value, 0) != 0) return false;
    return std::all_of(word.begin() + static_cast<long>(value.size()), word.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

}  // namespace

bool has_labeled_value(const std::string& text, const std::vector<std::string>& labels,
                       const std::string& value, const std::vector<std::string>& excluded) {
    for (const auto& line : split_lines(text)) {
        std::string low = lower(line);
        auto has = [&low](const std::string& w) { return contains(low, lower(w)); };
        if (!std::all_of(labels.begin(), labels.end(), has)) continue;
        if (std::any_of(excluded.begin(), excluded.end(), has)) continue;
        auto words = words_of(line);
        if (std::any_of(words.begin(), words.end(),
                        [&](const std::string& w) { return is_value_word(w, value); }))
            return true;
    }
    return false;
}

namespace {

// argv = program, then args. Built front to back: GCC 12 at -O3 misreads an
// insert at begin() of a literal-made string as out of bounds (-Warray-bounds).
std::vector<std::string> program_then(const char* program, std::vector<std::string> args) {
    std::vector<std::string> argv;
    argv.reserve(args.size() + 1);
    argv.emplace_back(program);
    std::move(args.begin(), args.end(), std::back_inserter(argv));
    return argv;
}

}  // namespace

std::vector<std::string> fixture(std::vector<std::string> mode_args) {
    return program_then(FIXTURE_BIN, std::move(mode_args));
}

std::vector<std::string> start_fixture(const std::string& name, std::vector<std::string> options,
                                       std::vector<std::string> mode_args) {
    std::vector<std::string> args{"start", FIXTURE_BIN, "--name", name, "--interpreter", "none"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back("--");
    args.insert(args.end(), mode_args.begin(), mode_args.end());
    return args;
}

std::string request_line(int id, const std::string& cmd, const json& args) {
    json j = {{"v", tend::kProtocolVersion},
              {"version", tend::kVersion},
              {"id", id},
              {"cmd", cmd},
              {"args", args}};
    return j.dump() + "\n";
}

std::vector<std::string> whole_lines(const std::string& path) {
    std::string text = read_file(path);
    if (!text.empty() && text.back() != '\n') text.erase(text.rfind('\n') + 1);
    return split_lines(text);
}

bool all_status(const json& instances, const std::string& status) {
    return std::all_of(instances.begin(), instances.end(),
                       [&](const json& i) { return i.value("status", "") == status; });
}

std::function<bool(const json&)> all_online(std::size_t count) {
    return [count](const json& insts) {
        return insts.size() == count && std::all_of(insts.begin(), insts.end(), [](const json& i) {
                   return i.value("status", "") == "online" && i.value("pid", 0) > 0;
               });
    };
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

RawClient::RawClient(const std::string& socket_path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(socket_path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    std::string why = rc == 0 ? "" : std::strerror(errno);
    INFO("connecting to " << socket_path << ": " << why);
    REQUIRE(rc == 0);
    timeval five_seconds{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &five_seconds, sizeof five_seconds);
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::string> RawClient::read_line(Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto nl = pending_.find('\n'); nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (left <= 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        pending_.append(buf, static_cast<std::size_t>(n));
    }
}

TendHome::TendHome() : TendHome(Options{}) {}

TendHome::TendHome(Options options) {
    char tmpl[] = "/tmp/tend-it-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    base_ = tmpl;
    home_ = base_ + "/home";
    try {
        daemon_args_ = options.daemon_args;
        daemon_env_ = options.daemon_env;
        daemon_wrapper_ = options.daemon_wrapper;
        if (options.start_daemon) start_daemon();
    } catch (...) {
        cleanup();
        throw;
    }
}

TendHome::~TendHome() {
    try {
        cleanup();
    } catch (const std::exception& e) {
        std::cerr << "tend harness: cleanup of " << base_ << " failed: " << e.what() << "\n";
    }
}

pid_t TendHome::serving_pid() const {
    return static_cast<pid_t>(std::atoi(read_file(home_ + "/tendd.pid").c_str()));
}

std::string TendHome::scratch(const std::string& name) const {
    std::string dir = base_ + "/" + name;
    std::filesystem::create_directories(dir);
    return dir;
}

void TendHome::start_daemon() {
    int out =
        ::open((base_ + "/tendd.stdio").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    std::vector<std::string> argv = daemon_wrapper_;
    argv.insert(argv.end(), {TENDD_BIN, "--foreground"});
    argv.insert(argv.end(), daemon_args_.begin(), daemon_args_.end());
    std::vector<std::string> env = this->env();
    env.insert(env.end(), daemon_env_.begin(), daemon_env_.end());
    daemon_pid_ = spawn_command({argv, env, base_}, out, out);
    daemon_reaped_ = false;
    ::close(out);
    auto deadline = Clock::now() + 10s;
    for (;;) {
        if (auto code = wait_child(daemon_pid_, 0ms)) {
            daemon_reaped_ = true;
            FAIL("tendd --foreground exited (" << *code << ") before answering ping:\n"
                                               << read_file(base_ + "/tendd.stdio"));
        }
        Result r = run({"ping"}, 5s);
        if (r.exit_code == 0 && contains(r.out, "pong")) return;
        if (Clock::now() >= deadline)
            FAIL("tendd did not answer `tend ping` within 10 s; last ping: exit "
                 << r.exit_code << ", stdout '" << r.out << "', stderr '" << r.err << "'");
        std::this_thread::sleep_for(20ms);
    }
}

// No TEND_DAEMON_BIN: the auto-start path finds the tendd under test beside
// the tend under test (both are in the build's bin/), as a user's would.
std::vector<std::string> TendHome::env() const {
    return {"TEND_HOME=" + home_};
}

Result TendHome::run(std::vector<std::string> args, Millis timeout) const {
    return run_program(program_then(TEND_BIN, std::move(args)), timeout);
}

Result TendHome::run_ok(std::vector<std::string> args, Millis timeout) const {
    Result r = run(args, timeout);
    std::string line = "tend";
    for (const auto& a : args) line += " " + a;
    INFO(line << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
}

Result TendHome::run_program(std::vector<std::string> argv, Millis timeout) const {
    return run_command({std::move(argv), env(), base_}, timeout);
}

std::unique_ptr<StreamingChild> TendHome::stream(std::vector<std::string> args) const {
    args.insert(args.begin(), TEND_BIN);
    return std::make_unique<StreamingChild>(Command{std::move(args), env(), base_});
}

std::optional<json> TendHome::try_jlist() {
    Result r = run({"jlist"});
    if (r.exit_code != 0) {
        last_jlist_ =
            "(tend jlist failed: exit " + std::to_string(r.exit_code) + ": " + r.err + ")";
        return std::nullopt;
    }
    last_jlist_ = r.out;
    json list = json::parse(r.out, nullptr, false);
    if (!list.is_array()) return std::nullopt;
    for (const auto& inst : list)
        if (inst.is_object() && inst.value("pid", 0) > 0) seen_pids_.insert(inst.value("pid", 0));
    return list;
}

json TendHome::jlist() {
    auto list = try_jlist();
    INFO("tend jlist gave: " << last_jlist_);
    REQUIRE(list.has_value());
    return *list;
}

json TendHome::instances(const std::string& name) {
    return filter_app(jlist(), name);
}

void TendHome::wait_until(const std::function<bool()>& predicate, const std::string& what,
                          Millis timeout) {
    auto deadline = Clock::now() + timeout;
    while (!predicate()) {
        if (Clock::now() >= deadline)
            FAIL("timed out after " << timeout.count() << " ms waiting for " << what
                                    << "\nlast jlist: " << last_jlist_);
        std::this_thread::sleep_for(50ms);
    }
}

json TendHome::wait_for(const std::string& name, const std::function<bool(const json&)>& predicate,
                        const std::string& what, Millis timeout) {
    json found;
    auto check = [&] {
        auto list = try_jlist();
        if (!list) return false;
        found = filter_app(*list, name);
        return !found.empty() && predicate(found);
    };
    wait_until(check, what, timeout);
    return found;
}

std::unique_ptr<RawClient> TendHome::connect() const {
    return std::make_unique<RawClient>(socket_path());
}

std::string TendHome::raw_socket_send(const std::string& bytes, Millis timeout) const {
    RawClient client(socket_path());
    client.send(bytes);
    return client.read_line(timeout).value_or("");
}

std::optional<int> TendHome::wait_daemon_exit(Millis timeout) {
    if (!daemon_reaped_) {
        daemon_exit_code_ = wait_child(daemon_pid_, timeout);
        daemon_reaped_ = daemon_exit_code_.has_value();
    }
    return daemon_exit_code_;
}

std::string TendHome::wait_for_line(const std::string& path, const std::string& prefix,
                                    const std::string& what, Millis timeout) {
    std::string found;
    auto check = [&] {
        for (const auto& line : whole_lines(path))
            if (line.rfind(prefix, 0) == 0) return found = line, true;
        return false;
    };
    wait_until(check, what + " (a line starting '" + prefix + "' in " + path + ")", timeout);
    return found;
}

std::string TendHome::daemon_log_tail(std::size_t lines) const {
    return tail_of(read_file(home_ + "/tendd.log"), lines);
}

void TendHome::cleanup() {
    if (current_test_failed() || std::uncaught_exceptions() > 0) print_diagnostics();
    stop_daemon();
    kill_auto_started_daemon();
    kill_seen_pids();
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
}

void TendHome::stop_daemon() {
    if (std::filesystem::exists(home_)) run({"kill"}, 15s);
    if (daemon_reaped_) return;
    if (!wait_daemon_exit(10s)) {
        std::cerr << "tend harness: tendd " << daemon_pid_ << " ignored `tend kill`; SIGKILL\n";
        kill_child(daemon_pid_);
    }
    daemon_reaped_ = true;
}

// A daemon the CLI started on its own (auto-start) is not our child: find it
// through the pid file, and only touch it if it runs for our home. Its
// keeper (its parent) goes first: it would start another daemon.
void TendHome::kill_auto_started_daemon() {
    pid_t pid = serving_pid();
    if (pid <= 0 || !process_has_env(pid, "TEND_HOME=" + home_)) return;
    auto deadline = Clock::now() + 5s;
    while (process_alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    if (!process_alive(pid)) return;
    pid_t keeper = parent_pid(pid);
    if (keeper > 1 && process_has_env(keeper, "TEND_HOME=" + home_)) ::kill(keeper, SIGKILL);
    ::kill(pid, SIGKILL);
}

// Instances still alive after the daemon is gone: kill their groups. The
// TEND_HOME check makes sure a recycled pid is never someone else's.
void TendHome::kill_seen_pids() {
    for (pid_t pid : seen_pids_) {
        if (!process_alive(pid) || !process_has_env(pid, "TEND_HOME=" + home_)) continue;
        std::cerr << "tend harness: pid " << pid << " outlived its daemon; SIGKILL\n";
        if (::getpgid(pid) == pid) ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    }
}

void TendHome::print_diagnostics() const {
    std::string log = read_file(home_ + "/tendd.log");
    std::string stdio = tail_of(read_file(base_ + "/tendd.stdio"), 40);
    std::cerr << "---- tend harness: test failed; home " << home_ << " ----\n"
              << "---- tendd.log (tail) ----\n"
              << tail_of(log, 80);
    // --foreground copies the log to stderr; show stderr only when it adds something.
    if (!contains(log, stdio)) std::cerr << "---- tendd stdout/stderr (tail) ----\n" << stdio;
    std::cerr << "---- last jlist ----\n" << last_jlist_ << "\n----\n";
}

}  // namespace tend::it
