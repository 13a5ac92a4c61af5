// The owning write request behind write_owned.
#include "daemon/uv/stream_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/uv/handle.h"

namespace tend {
namespace {

struct OwnedWrite {
    uv_write_t req{};
    std::string bytes;
    // The fd passed, wrapped as libuv wants it, on its own dup so that its
    // life is the request's, whatever the caller does with the original.
    uv::Handle<uv_tcp_t> passed;
};

void finished(uv_write_t* req, int) {
    delete static_cast<OwnedWrite*>(req->data);  // and closes the passed handle
}

int queue(OwnedWrite* w, uv_stream_t* stream) {
    uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
    int rc = w->passed ? uv_write2(&w->req, stream, &buf, 1, w->passed.stream(), &finished)
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
    // Close-on-exec: a copy open at the next spawn would leak into that app.
    int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return uv_translate_sys_error(errno);
    auto* w = new OwnedWrite;
    w->req.data = w;
    w->bytes = std::move(bytes);
    int rc = w->passed.make(uv_tcp_init, ipc->loop, nullptr);
    if (rc == 0) rc = uv_tcp_open(w->passed.get(), copy);
    if (rc != 0) {
        ::close(copy);
        finished(&w->req, rc);
        return rc;
    }
    return queue(w, reinterpret_cast<uv_stream_t*>(ipc));
}

}  // namespace tend
