// Queuing bytes on a libuv stream when the caller's buffer will not outlive
// the call: the write request owns a copy until libuv is done with it.
#pragma once

#include <uv.h>

#include <string>

namespace tend {

// uv_write of bytes, owned by the request; the uv error code (0 when queued).
int write_owned(uv_stream_t* stream, std::string bytes);

// The same on an IPC pipe, passing a copy of the socket fd with the bytes
// (SCM_RIGHTS); the caller keeps fd.
int write_owned_with_fd(uv_pipe_t* ipc, std::string bytes, int fd);

}  // namespace tend
