// uv::Handle, uv::close_and_delete and uv::guarded on a real loop: every
// handle's memory is freed in its close callback (each test ends with
// uv_loop_close() == 0, and the sanitizer build checks for leaks), and a
// throwing callback does not stop the loop.
#include <doctest/doctest.h>
#include <uv.h>

#include <stdexcept>

#include "common/errors.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"
#include "tests/unit/daemon/test_loop.h"

using namespace tend;

namespace {

using test::Loop;

// Counts its deletions, to see that the owner goes exactly once.
struct Owner {
    static inline int deleted = 0;
    uv_timer_t timer{};
    uv_idle_t idle{};
    ~Owner() { ++deleted; }
};

}  // namespace

TEST_CASE("a Handle closes its handle when destroyed, and the loop then closes cleanly") {
    Loop l;
    {
        uv::Handle<uv_timer_t> timer("test timer", uv_timer_init, &l.loop, nullptr);
        REQUIRE(timer);
        uv_timer_start(
            timer.get(), [](uv_timer_t*) {}, 60'000, 0);
        CHECK(uv_loop_alive(&l.loop));
    }
    CHECK(l.close() == 0);
}

TEST_CASE("a moved Handle closes once, from its new owner") {
    Loop l;
    uv::Handle<uv_timer_t> first("test timer", uv_timer_init, &l.loop, nullptr);
    uv::Handle<uv_timer_t> second = std::move(first);
    CHECK_FALSE(first);
    CHECK(second);
    second.close();
    second.close();  // a second close does nothing
    CHECK_FALSE(second);
    CHECK(l.close() == 0);
}

TEST_CASE("a failed init is an error, and the handle that never was is not closed") {
    Loop l;
    uv::Handle<uv_poll_t> poll;
    CHECK(poll.make(uv_poll_init, &l.loop, nullptr, -1) != 0);  // no such fd
    CHECK_FALSE(poll);
    CHECK_THROWS_AS(uv::Handle<uv_poll_t>("test poll", uv_poll_init, &l.loop, nullptr, -1),
                    TendError);
    CHECK(l.close() == 0);
}

TEST_CASE("close_and_delete deletes the owner once, after its last handle has closed") {
    Loop l;
    Owner::deleted = 0;
    auto* owner = new Owner;
    REQUIRE(uv_timer_init(&l.loop, &owner->timer) == 0);
    REQUIRE(uv_idle_init(&l.loop, &owner->idle) == 0);
    uv::close_and_delete(owner, &owner->timer, &owner->idle);
    CHECK(Owner::deleted == 0);  // libuv still holds the handles
    CHECK(l.close() == 0);
    CHECK(Owner::deleted == 1);
}

TEST_CASE("a callback that throws is logged and the loop carries on") {
    Loop l;
    int ran = 0;
    uv::Handle<uv_timer_t> thrower("test timer", uv_timer_init, &l.loop, &ran);
    uv_timer_start(
        thrower.get(),
        [](uv_timer_t* t) {
            uv::guarded("test timer", [t] {
                ++*static_cast<int*>(t->data);
                throw std::runtime_error("boom");
            });
        },
        0, 1);
    uv::Handle<uv_timer_t> stopper("test timer", uv_timer_init, &l.loop, thrower.get());
    uv_timer_start(
        stopper.get(), [](uv_timer_t* t) { uv_timer_stop(static_cast<uv_timer_t*>(t->data)); }, 20,
        0);
    uv_run(&l.loop, UV_RUN_DEFAULT);  // returns once both timers are done
    CHECK(ran > 1);                   // it ran again after throwing
    thrower.close();
    stopper.close();
    CHECK(l.close() == 0);
}
