// The keeper's wire and store: what crosses the socketpair between tendd and
// tend-keeper, and what the keeper carries across its own re-exec.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "keeper/fd_store.h"
#include "keeper/wire.h"

using namespace tend::keeper;

namespace {

struct Pair {
    int a = -1, b = -1;
    Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, &a) == 0); }
    ~Pair() {
        ::close(a);
        ::close(b);
    }
};

// Writes text into fd's pipe and reads it back from read_end.
bool same_pipe(int write_end, int read_end) {
    if (::write(write_end, "x", 1) != 1) return false;
    char c = 0;
    return ::read(read_end, &c, 1) == 1 && c == 'x';
}

}  // namespace

TEST_CASE("the keeper's wire carries a message with its descriptor, received close-on-exec") {
    Pair pair;
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    REQUIRE(send_message(pair.a, {Type::kHold, 7, -3, "out:1234", pipe_fds[1]}));
    auto m = receive_message(pair.b);
    REQUIRE(m);
    CHECK(m->type == Type::kHold);
    CHECK(m->a == 7);
    CHECK(m->b == -3);
    CHECK(m->name == "out:1234");
    REQUIRE(m->fd >= 0);
    CHECK(m->fd != pipe_fds[1]);
    CHECK((::fcntl(m->fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(same_pipe(m->fd, pipe_fds[0]));
    ::close(m->fd);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
}

TEST_CASE("a packet that is not the keeper's is skipped, and the next one read") {
    Pair pair;
    REQUIRE(::send(pair.a, "hello", 5, 0) == 5);
    REQUIRE(send_message(pair.a, {Type::kForget, 42, 0, "", -1}));
    auto m = receive_message(pair.b);
    REQUIRE(m);
    CHECK(m->type == Type::kForget);
    CHECK(m->a == 42);
    CHECK(m->fd == -1);
}

TEST_CASE("receiving says end of file once the other side is gone") {
    Pair pair;
    ::close(pair.a);
    pair.a = -1;
    CHECK_FALSE(receive_message(pair.b));
}

TEST_CASE("a descriptor held again under its name replaces, and closes, the older copy") {
    FdStore store;
    int first[2], second[2];
    REQUIRE(::pipe(first) == 0);
    REQUIRE(::pipe(second) == 0);
    store.put("listen:api", first[0]);
    store.put("listen:api", second[0]);
    CHECK(store.held().size() == 1);
    CHECK(store.held().at("listen:api") == second[0]);
    CHECK(::fcntl(first[0], F_GETFD) == -1);  // closed
    store.drop("listen:api");
    CHECK(store.held().empty());
    CHECK(::fcntl(second[0], F_GETFD) == -1);
    for (int fd : {first[1], second[1]}) ::close(fd);
}

TEST_CASE("the keeper's store survives its re-exec form: every fd and unsaved exit") {
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    FdStore before;
    before.put("out:99", p[0]);
    before.add_exit(99, 0x0900);
    before.add_exit(100, 9);
    before.forget_exit(100);
    int file = before.to_file();
    REQUIRE(file >= 0);
    before.release_all();  // as before the exec: the fds are the next keeper's
    CHECK((::fcntl(p[0], F_GETFD) & FD_CLOEXEC) == 0);  // made to survive the exec
    FdStore after;
    after.from_file(file);
    REQUIRE(after.held().count("out:99") == 1);
    CHECK(after.held().at("out:99") == p[0]);
    CHECK((::fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0);  // ours again, not the daemon's
    CHECK(same_pipe(p[1], after.held().at("out:99")));
    REQUIRE(after.exits().size() == 1);
    CHECK(after.exits()[0].pid == 99);
    CHECK(after.exits()[0].status == 0x0900);
    ::close(p[1]);
}
