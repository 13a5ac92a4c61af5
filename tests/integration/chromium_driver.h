// A headless Chromium (Debian's `chromium`) driven over the DevTools
// protocol on a pipe (--remote-debugging-pipe: commands in on its fd 3,
// replies and events out on its fd 4, each a JSON text ended by a NUL), so a
// test needs no websocket and no port. One page; navigate, evaluate
// JavaScript (awaiting promises), wait for a condition, take a screenshot.
// The destructor kills Chromium's process group by its pid, waits until the
// group is gone, and removes its temporary profile, whatever happened.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "process_util.h"

namespace tend::it {

class Chromium {
  public:
    // Starts `chromium --headless ...` with a fresh profile and HOME in a
    // temporary directory, and opens one page (about:blank). Throws
    // std::runtime_error, with Chromium's own output, when it cannot start
    // or does not answer within the timeout.
    explicit Chromium(Millis start_timeout = 30s);
    ~Chromium();
    Chromium(const Chromium&) = delete;
    Chromium& operator=(const Chromium&) = delete;

    // Sends one command (on the page's session unless browser is true) and
    // returns its "result"; throws on an error reply, EOF or the timeout.
    nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                        Millis timeout = 10s, bool browser = false);

    // Loads url in the page and waits until its document has loaded.
    void navigate(const std::string& url, Millis timeout = 15s);
    // The value of a JavaScript expression in the page (a promise is
    // awaited); throws when it throws.
    nlohmann::json evaluate(const std::string& expression, Millis timeout = 10s);
    // Evaluates expression until it is truthy; false at the timeout.
    bool wait_for(const std::string& expression, Millis timeout);
    // Writes a PNG of the page's viewport to path.
    void screenshot(const std::string& path);

    pid_t pid() const { return pid_; }
    // The last lines Chromium wrote on stderr, for a failing test's message.
    std::string output_tail() const;

  private:
    void start();
    void stop();
    bool alive();  // reaps the browser once it has exited
    void send(const nlohmann::json& message);
    nlohmann::json read_reply(int id, Millis timeout);

    std::string dir_;        // profile, HOME and Chromium's output
    pid_t pid_ = -1;         // the browser; also its process group
    bool reaped_ = false;    // pid_ exited and was reaped by alive()
    int to_browser_ = -1;    // our end of its fd 3
    int from_browser_ = -1;  // our end of its fd 4
    std::string pending_;    // bytes read after the last NUL
    int next_id_ = 0;
    std::string session_;  // the page's flat session
};

}  // namespace tend::it
