// The exception boundary of every loop callback. Control requests already
// have theirs (the dispatcher turns errors into replies); everything else
// the loop calls (timers, exits, signals, reads, polls) runs its body
// through guarded(), which logs what was thrown and carries on, so nothing
// thrown on a timer or exit path can end the daemon.
#pragma once

#include <exception>
#include <utility>

namespace tend::uv {

// Logs "what: message" at error level.
void log_escaped(const char* what, const std::exception* e) noexcept;

template <typename F>
void guarded(const char* what, F&& body) noexcept {
    try {
        std::forward<F>(body)();
    } catch (const std::exception& e) {
        log_escaped(what, &e);
    } catch (...) {
        log_escaped(what, nullptr);
    }
}

}  // namespace tend::uv
