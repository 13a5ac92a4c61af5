// The spawner's wire: orders survive the trip whole (fds included), and
// anything truncated, padded or not ours is refused, never half-read.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "spawner/wire.h"

using namespace tend::spawner;

namespace {

Order sample_order() {
    Order o;
    o.file = "node";
    o.search_path = "/usr/local/bin:/usr/bin";
    o.argv = {"node", "server.js", "", "a b"};
    o.env = {"PATH=/usr/bin", "EMPTY=", "NODE_APP_INSTANCE=3"};
    o.cwd = "/srv/api";
    o.new_session = true;
    o.listen_pid = true;
    o.set_identity = true;
    o.uid = 1000;
    o.gid = 1001;
    return o;
}

struct SocketPair {
    int fds[2] = {-1, -1};
    SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0); }
    ~SocketPair() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
};

ino_t inode_of(int fd) {
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    return st.st_ino;
}

}  // namespace

TEST_CASE("spawner wire: an order's body reads back field for field") {
    Order o = sample_order();
    auto back = decode_order(encode_order(o));
    REQUIRE(back.has_value());
    CHECK(back->file == o.file);
    CHECK(back->search_path == o.search_path);
    CHECK(back->argv == o.argv);
    CHECK(back->env == o.env);
    CHECK(back->cwd == o.cwd);
    CHECK(back->new_session);
    CHECK(back->listen_pid);
    CHECK(back->set_identity);
    CHECK(back->uid == 1000);
    CHECK(back->gid == 1001);

    Order plain;
    plain.file = "/bin/true";
    plain.argv = {"/bin/true"};
    auto simple = decode_order(encode_order(plain));
    REQUIRE(simple.has_value());
    CHECK_FALSE(simple->new_session);
    CHECK_FALSE(simple->listen_pid);
    CHECK_FALSE(simple->set_identity);
    CHECK(simple->env.empty());
}

TEST_CASE("spawner wire: a truncated or padded body and an order without a program are refused") {
    std::string body = encode_order(sample_order());
    for (std::size_t size = 0; size < body.size(); ++size)
        CHECK_FALSE(decode_order(std::string_view(body).substr(0, size)).has_value());
    CHECK_FALSE(decode_order(body + '\0').has_value());

    Order no_argv = sample_order();
    no_argv.argv.clear();
    CHECK_FALSE(decode_order(encode_order(no_argv)).has_value());
    Order no_file = sample_order();
    no_file.file.clear();
    CHECK_FALSE(decode_order(encode_order(no_file)).has_value());

    // A count far larger than the body is refused before anything is made of it.
    std::string huge(12, '\0');
    huge += std::string("\xff\xff\xff\x7f", 4);
    CHECK_FALSE(decode_order(huge).has_value());
}

TEST_CASE("spawner wire: an order crosses a socket with its descriptors, however long") {
    SocketPair pair;
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    Order o = sample_order();
    o.env.push_back("BIG=" + std::string(std::size_t{1} << 20, 'x'));  // past a socket buffer
    o.fds = {pipe_fds[1], pipe_fds[0]};
    bool sent = false;
    std::thread sender([&] { sent = send_order(pair.fds[0], o); });
    auto got = receive_order(pair.fds[1]);
    sender.join();
    CHECK(sent);
    REQUIRE(got.has_value());
    CHECK(got->env == o.env);
    REQUIRE(got->fds.size() == 2);
    CHECK(inode_of(got->fds[0]) == inode_of(pipe_fds[1]));
    CHECK(inode_of(got->fds[1]) == inode_of(pipe_fds[0]));
    CHECK((::fcntl(got->fds[0], F_GETFD) & FD_CLOEXEC) != 0);
    for (int fd : got->fds) ::close(fd);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);

    REQUIRE(send_reply(pair.fds[1], Reply{4242, ENOENT, Stage::kExec}));
    auto reply = receive_reply(pair.fds[0]);
    REQUIRE(reply.has_value());
    CHECK(reply->pid == 4242);
    CHECK(reply->error == ENOENT);
    CHECK(reply->stage == Stage::kExec);
}

TEST_CASE("spawner wire: bytes that are no order end the stream with EPROTO") {
    SocketPair pair;
    const char junk[] = "GET / HTTP/1.1\r\n\r\n";
    REQUIRE(::write(pair.fds[0], junk, sizeof junk) == static_cast<ssize_t>(sizeof junk));
    errno = 0;
    CHECK_FALSE(receive_order(pair.fds[1]).has_value());
    CHECK(errno == EPROTO);

    SocketPair closed;
    ::close(closed.fds[0]);
    closed.fds[0] = -1;
    CHECK_FALSE(receive_order(closed.fds[1]).has_value());
    CHECK_FALSE(receive_reply(closed.fds[1]).has_value());
}
