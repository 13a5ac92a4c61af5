// The client over a socketpair standing in for the daemon: the request line
// it sends, replies split across reads, events, error replies and EOF.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/client.h"
#include "common/version.h"

using namespace tend;

namespace {

// A connected pair: the client's end and the fake daemon's end.
struct Pair {
    int client_fd = -1;
    int daemon_fd = -1;
    Pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        client_fd = fds[0];
        daemon_fd = fds[1];
    }
    ~Pair() {
        if (daemon_fd >= 0) ::close(daemon_fd);
    }
    void write(const std::string& bytes) const {
        REQUIRE(::write(daemon_fd, bytes.data(), bytes.size()) ==
                static_cast<ssize_t>(bytes.size()));
    }
    std::string read_request() const {
        char buf[4096];
        ssize_t n = ::read(daemon_fd, buf, sizeof buf);
        REQUIRE(n > 0);
        return std::string(buf, static_cast<std::size_t>(n));
    }
    // The daemon stops writing but still reads.
    void end_replies() const { ::shutdown(daemon_fd, SHUT_WR); }
    void close_daemon() {
        ::close(daemon_fd);
        daemon_fd = -1;
    }
};

}  // namespace

TEST_CASE("a request is one line with the protocol version, tend's version, id and args") {
    Pair pair;
    Client client(pair.client_fd);
    client.send("stop", json{{"targets", {"api"}}});
    std::string line = pair.read_request();
    REQUIRE(line.back() == '\n');
    Request request = parse_request(line.substr(0, line.size() - 1));
    CHECK(request.v == kProtocolVersion);
    CHECK(request.version == kVersion);
    CHECK(request.id == 1);
    CHECK(request.cmd == "stop");
    CHECK(request.args == json{{"targets", {"api"}}});
}

TEST_CASE("call returns the result of a reply that arrives in pieces") {
    Pair pair;
    Client client(pair.client_fd);
    std::string reply = encode_reply(1, json{{"pid", 7}});
    pair.write(reply.substr(0, 5));
    pair.write(reply.substr(5));
    CHECK(client.call("ping", json::object()) == json{{"pid", 7}});
}

TEST_CASE("call skips events and throws the daemon's error with its message") {
    Pair pair;
    Client client(pair.client_fd);
    pair.write(encode_event(1, "log", json::object()) +
               encode_error(1, ErrorCode::kNotFound, "no app or id 'apu' (did you mean 'api'?)"));
    try {
        client.call("stop", json::object());
        FAIL("no error thrown");
    } catch (const TendError& e) {
        CHECK(e.code() == ErrorCode::kNotFound);
        CHECK(std::string(e.what()) == "no app or id 'apu' (did you mean 'api'?)");
    }
}

TEST_CASE("next yields events in order, then nullopt when the daemon closes") {
    Pair pair;
    Client client(pair.client_fd);
    pair.write(encode_reply(1, json::object()) + encode_event(1, "log", json{{"line", "a"}}) +
               encode_event(1, "missed", json{{"count", 3}}));
    pair.close_daemon();
    auto first = client.next();
    REQUIRE(first);
    CHECK_FALSE(first->is_event());
    auto log = client.next();
    REQUIRE(log);
    CHECK(log->event == "log");
    CHECK(log->data["line"] == "a");
    CHECK(client.has_buffered());
    auto missed = client.next();
    REQUIRE(missed);
    CHECK(missed->event == "missed");
    CHECK_FALSE(client.next());
}

TEST_CASE("call on a connection closed without a reply says so") {
    Pair pair;
    Client client(pair.client_fd);
    pair.end_replies();
    CHECK_THROWS_WITH_AS(client.call("ping", json::object()),
                         "the daemon closed the connection without replying", TendError);
}

TEST_CASE("wait_for_close is false when the deadline passes with the connection open") {
    Pair pair;
    Client client(pair.client_fd);
    auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    CHECK_FALSE(client.wait_for_close(soon));
    pair.write("{\"id\":1,\"event\":\"log\",\"data\":{}}\n");
    pair.close_daemon();
    CHECK(client.wait_for_close(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
}

TEST_CASE("decode_result turns a reply of the wrong shape into a TendError") {
    CHECK_THROWS_AS(decode_result<int>(json("text")), TendError);
}

TEST_CASE("read_available takes what is there without waiting, and reports the close") {
    Pair pair;
    Client client(pair.client_fd);
    CHECK(client.read_available(1 << 20));  // nothing yet: no wait, still open
    CHECK_FALSE(client.take_buffered().has_value());
    pair.write("{\"id\":1,\"event\":\"log\",\"data\":{}}\n{\"id\":1,\"ok\":tr");
    CHECK(client.read_available(1 << 20));
    auto event = client.take_buffered();
    REQUIRE(event.has_value());
    CHECK(event->event == "log");
    CHECK_FALSE(client.take_buffered().has_value());  // the reply is still partial
    pair.write("ue,\"result\":{}}\n");
    pair.close_daemon();
    CHECK_FALSE(client.read_available(1 << 20));
    auto reply = client.take_buffered();
    REQUIRE(reply.has_value());
    CHECK(reply->ok);
}
