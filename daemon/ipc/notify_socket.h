// sd_notify for any language: a datagram socket at TEND_HOME/notify.sock,
// named to every instance in NOTIFY_SOCKET. The kernel tells us each
// sender's pid (SO_PASSCRED), so "READY=1" marks the right instance ready.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

#include "daemon/uv/handle.h"

namespace tend {

// Whether a notification datagram ("READY=1\nSTATUS=...") says ready.
bool notify_says_ready(std::string_view datagram);

class NotifySocket {
  public:
    using OnReady = std::function<void(int pid)>;

    NotifySocket(uv_loop_t* loop, OnReady on_ready);
    ~NotifySocket();
    // Binds path (removing a stale one); false, logged, when it cannot.
    bool open(const std::string& path);
    // Receives on fd, a socket already bound (handed over by the keeper).
    void adopt(int fd);
    int fd() const { return fd_; }
    void close();

  private:
    void watch();
    void receive();

    static constexpr int kMaxPerWakeup = 64;  // datagrams read per loop turn

    uv_loop_t* loop_;
    OnReady on_ready_;
    uv::Handle<uv_poll_t> poll_;
    int fd_ = -1;
};

}  // namespace tend
