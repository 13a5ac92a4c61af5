// tendd's own usage from /proc/self: descriptors counted as they open and
// close, and a resident size.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "daemon/metrics/self_usage.h"

using namespace tend;

TEST_CASE("self usage: open descriptors follow a pipe opened and closed and rss is read") {
    std::int64_t before = self_open_fds();
    CHECK(before >= 3);
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    CHECK(self_open_fds() == before + 2);
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(self_open_fds() == before);
    CHECK(self_resident_bytes() > 1 << 20);
}
