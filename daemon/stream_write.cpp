// The owning write request behind write_owned.
#include "daemon/stream_write.h"

namespace tend {
namespace {

struct OwnedWrite {
    uv_write_t req{};
    std::string bytes;
};

}  // namespace

int write_owned(uv_stream_t* stream, std::string bytes) {
    auto* w = new OwnedWrite;
    w->req.data = w;
    w->bytes = std::move(bytes);
    uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
    int rc = uv_write(&w->req, stream, &buf, 1,
                      [](uv_write_t* req, int) { delete static_cast<OwnedWrite*>(req->data); });
    if (rc != 0) delete w;
    return rc;
}

}  // namespace tend
