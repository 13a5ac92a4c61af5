// The CLI's end of the control socket: a blocking connection that sends one
// request and reads back the reply and any events. No event loop here: a
// `tend list` must cost about a millisecond.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "common/protocol.h"

namespace tend {

using Deadline = std::chrono::steady_clock::time_point;

// Connects to the Unix socket at path; returns the socket, or -errno.
int connect_unix(const std::string& path);

// Throws TendError(kPermissionDenied) unless the process serving the
// connected socket fd runs as this user or as root: requests carry the
// caller's environment, which is nobody else's to read.
void check_daemon_identity(int fd, const std::string& path);

// One connection to the daemon; one request per connection.
class Client {
  public:
    explicit Client(int fd);  // adopts a connected socket
    ~Client();
    Client(Client&& other) noexcept;
    Client& operator=(Client&& other) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends the request for cmd with this tend's protocol and version.
    void send(std::string_view cmd, const json& args);

    // The next reply or event; nullopt once the daemon closed the connection.
    // Throws TendError when the deadline passes or the stream is garbled.
    std::optional<Response> next(std::optional<Deadline> deadline = std::nullopt);

    // Whether next() has a response at hand without reading the socket.
    bool has_buffered() const { return !lines_.empty(); }

    // send() and the result of the reply; an error reply throws its TendError.
    json call(std::string_view cmd, const json& args);
    // The same, the result as the daemon's JSON text: an ok reply is not
    // parsed at all (`jlist` passes a thousand instances straight through).
    std::string call_text(std::string_view cmd, const json& args);

    // Reads until the daemon closes the connection; false if the deadline passes first.
    bool wait_for_close(Deadline deadline);

    // For event loops that poll() the socket themselves (monit): the socket,
    // still owned by the Client.
    int fd() const { return fd_; }

    // Reads what the socket holds now, up to about max_bytes, without
    // waiting; false once the daemon has closed the connection.
    bool read_available(std::size_t max_bytes);

    // The next response read_available() completed, or nullopt; never reads.
    std::optional<Response> take_buffered();

  private:
    enum class ReadStatus { kData, kClosed, kTimedOut };
    // The next line, unparsed; nullopt once the daemon closed the connection.
    std::optional<std::string> next_line(std::optional<Deadline> deadline);
    // Reads once from the socket into lines_.
    ReadStatus fill(std::optional<Deadline> deadline);
    // Hands bytes to the framer; throws when a line passes the limit.
    void take_bytes(const char* data, std::size_t size);

    int fd_ = -1;
    LineFramer framer_;
    std::deque<std::string> lines_;
};

// The result of an ok reply; throws the TendError an error reply carries.
json result_of(const Response& response);
json result_of(Response&& response);  // moves the result out: no copy of a large reply

// Converts a result to its typed struct; a reply of the wrong shape throws
// TendError rather than a JSON exception.
template <typename T>
T decode_result(const json& result) {
    try {
        return result.get<T>();
    } catch (const json::exception& e) {
        throw TendError(ErrorCode::kInternal,
                        std::string("the daemon sent a reply tend cannot read: ") + e.what());
    }
}

}  // namespace tend
