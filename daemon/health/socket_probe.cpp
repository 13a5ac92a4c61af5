// tcp and http_get probes: connect (and for http_get, send the request and
// read the status line only), then close. The timeout covers it all.
#include <cstring>

#include "daemon/health/http_status.h"
#include "daemon/health/probe_check.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {
namespace {

// The probe's host as a socket address: an IP literal, or localhost.
bool probe_address(const Probe& probe, sockaddr_storage& out) {
    std::string host = probe.host == "localhost" ? "127.0.0.1" : probe.host;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
    return uv_ip4_addr(host.c_str(), probe.port, v4) == 0 ||
           uv_ip6_addr(host.c_str(), probe.port, v6) == 0;
}

class SocketCheck : public ProbeCheck {
  public:
    SocketCheck(uv_loop_t* loop, const Probe& probe, ProbeDone done)
        : http_(probe.kind == ProbeKind::kHttpGet),
          target_(probe_target(probe)),
          timeout_ms_(probe.timeout_ms),
          done_(std::move(done)) {
        if (http_) request_ = http_probe_request(probe);
        // A loop that cannot make a timer or a socket cannot do much else:
        // the answer is a failure, reported on the next turn like any.
        uv_timer_init(loop, &timer_);
        timer_.data = this;
        int rc = uv_tcp_init(loop, &tcp_);
        tcp_.data = this;
        sockaddr_storage addr{};
        if (rc == 0 && !probe_address(probe, addr)) {
            fail_soon("cannot use host '" + probe.host + "': not an IP address");
            return;
        }
        if (rc == 0) {
            connect_.data = this;
            rc = uv_tcp_connect(&connect_, &tcp_, reinterpret_cast<sockaddr*>(&addr),
                                [](uv_connect_t* req, int status) {
                                    uv::guarded("probe connect", [&] {
                                        static_cast<SocketCheck*>(req->data)->on_connect(status);
                                    });
                                });
        }
        if (rc != 0) {
            fail_soon(uv_strerror(rc));
            return;
        }
        uv_timer_start(
            &timer_,
            [](uv_timer_t* t) {
                uv::guarded("probe timeout", [t] {
                    auto* self = static_cast<SocketCheck*>(t->data);
                    self->finish(false,
                                 "timed out after " + std::to_string(self->timeout_ms_) + "ms");
                });
            },
            static_cast<std::uint64_t>(timeout_ms_), 0);
    }

    void cancel() override {
        done_ = nullptr;
        close();
    }

  private:
    // A failure found before anything ran: answered on the next loop turn.
    void fail_soon(std::string why) {
        pending_ = std::move(why);
        uv_timer_start(
            &timer_,
            [](uv_timer_t* t) {
                uv::guarded("probe", [t] {
                    auto* self = static_cast<SocketCheck*>(t->data);
                    self->finish(false, self->pending_);
                });
            },
            0, 0);
    }

    void on_connect(int status) {
        if (closed_) return;
        if (status != 0) return finish(false, uv_strerror(status));
        if (!http_) return finish(true, "connected");
        uv_buf_t buf = uv_buf_init(request_.data(), static_cast<unsigned>(request_.size()));
        write_.data = this;
        int rc = uv_write(&write_, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1,
                          [](uv_write_t* req, int status) {
                              auto* self = static_cast<SocketCheck*>(req->data);
                              if (status != 0 && !self->closed_)
                                  self->finish(false, uv_strerror(status));
                          });
        if (rc == 0)
            rc = uv_read_start(
                reinterpret_cast<uv_stream_t*>(&tcp_),
                [](uv_handle_t* h, std::size_t, uv_buf_t* out) {
                    auto* self = static_cast<SocketCheck*>(h->data);
                    *out = uv_buf_init(self->read_buf_, sizeof self->read_buf_);
                },
                [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
                    uv::guarded("probe read",
                                [&] { static_cast<SocketCheck*>(s->data)->on_read(n); });
                });
        if (rc != 0) finish(false, uv_strerror(rc));
    }

    void on_read(ssize_t n) {
        if (closed_) return;
        if (n == UV_EOF)
            return finish(false, head_.empty() ? "closed without an answer" : "answer cut short");
        if (n < 0) return finish(false, uv_strerror(static_cast<int>(n)));
        head_.append(read_buf_, static_cast<std::size_t>(n));
        StatusLine line = parse_status_line(head_);
        if (line.kind == StatusLine::Kind::kIncomplete) return;
        if (line.kind == StatusLine::Kind::kMalformed) return finish(false, "not an HTTP answer");
        bool ok = line.status >= status_min_ && line.status <= status_max_;
        finish(ok, "status " + std::to_string(line.status));
    }

    void finish(bool ok, const std::string& what) {
        if (closed_) return;
        ProbeDone done = std::move(done_);
        close();
        if (done) done(ok, target_ + ": " + what);
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        uv::close_and_delete(this, &tcp_, &timer_);
    }

  public:
    int status_min_ = 200;
    int status_max_ = 399;

  private:
    bool http_;
    std::string target_;
    std::int64_t timeout_ms_;
    ProbeDone done_;
    std::string request_;
    std::string pending_;
    std::string head_;
    char read_buf_[512];
    bool closed_ = false;
    uv_tcp_t tcp_{};
    uv_timer_t timer_{};
    uv_connect_t connect_{};
    uv_write_t write_{};
};

}  // namespace

std::string probe_target(const Probe& probe) {
    if (probe.kind == ProbeKind::kExec) return "exec";
    bool v6 = probe.host.find(':') != std::string::npos;
    std::string out = probe.kind == ProbeKind::kHttpGet ? "http_get " : "tcp ";
    out.append(v6 ? "[" : "").append(probe.host).append(v6 ? "]" : "");
    out.append(":").append(std::to_string(probe.port));
    if (probe.kind == ProbeKind::kHttpGet) out.append(probe.path);
    return out;
}

ProbeCheck* start_socket_check(uv_loop_t* loop, const Probe& probe, ProbeDone done) {
    auto* check = new SocketCheck(loop, probe, std::move(done));
    check->status_min_ = probe.status_min;
    check->status_max_ = probe.status_max;
    return check;
}

}  // namespace tend
