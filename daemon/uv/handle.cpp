// The one place a libuv error code from setting up a handle becomes an error.
#include "daemon/uv/handle.h"

#include <string>

#include "common/errors.h"

namespace tend::uv {

void check(int rc, const char* what) {
    if (rc < 0) throw TendError(ErrorCode::kInternal, std::string(what) + ": " + uv_strerror(rc));
}

}  // namespace tend::uv
