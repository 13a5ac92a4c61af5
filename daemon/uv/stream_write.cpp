// The owning write request behind write_owned.
#include "daemon/uv/stream_write.h"

#include <unistd.h>

#include <cerrno>

namespace tend {
namespace {

struct OwnedWrite {
    uv_write_t req{};
    std::string bytes;
    // The fd passed, wrapped as libuv wants it, on its own dup so that its
    // life is the request's, whatever the caller does with the original.
    uv_tcp_t* passed = nullptr;
};

void finished(uv_write_t* req, int) {
    auto* w = static_cast<OwnedWrite*>(req->data);
    if (w->passed)
        uv_close(reinterpret_cast<uv_handle_t*>(w->passed),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    delete w;
}

int queue(OwnedWrite* w, uv_stream_t* stream) {
    uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
    int rc = w->passed ? uv_write2(&w->req, stream, &buf, 1,
                                   reinterpret_cast<uv_stream_t*>(w->passed), &finished)
                       : uv_write(&w->req, stream, &buf, 1, &finished);
    if (rc != 0) finished(&w->req, rc);
    return rc;
}

}  // namespace

int write_owned(uv_stream_t* stream, std::string bytes) {
    auto* w = new OwnedWrite;
    w->req.data = w;
    w->bytes = std::move(bytes);
    return queue(w, stream);
}

int write_owned_with_fd(uv_pipe_t* ipc, std::string bytes, int fd) {
    int copy = ::dup(fd);
    if (copy < 0) return uv_translate_sys_error(errno);
    auto* w = new OwnedWrite;
    w->req.data = w;
    w->bytes = std::move(bytes);
    w->passed = new uv_tcp_t;
    uv_tcp_init(ipc->loop, w->passed);
    if (int rc = uv_tcp_open(w->passed, copy); rc != 0) {
        ::close(copy);
        finished(&w->req, rc);
        return rc;
    }
    return queue(w, reinterpret_cast<uv_stream_t*>(ipc));
}

}  // namespace tend
