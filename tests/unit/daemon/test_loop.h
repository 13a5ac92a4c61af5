// A libuv loop that a daemon unit test owns and closes: close() runs the
// close callbacks still pending and fails (non-zero) if a handle is left.
#pragma once

#include <doctest/doctest.h>
#include <uv.h>

namespace tend::test {

struct Loop {
    uv_loop_t loop{};
    bool closed = false;
    Loop() { REQUIRE(uv_loop_init(&loop) == 0); }
    ~Loop() {
        if (!closed) close();
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;
    uv_loop_t* get() { return &loop; }
    int close() {
        uv_run(&loop, UV_RUN_DEFAULT);
        closed = true;
        return uv_loop_close(&loop);
    }
};

}  // namespace tend::test
