// Writing a file tend must never leave half-written (the dump, a systemd
// unit): a temp file beside it, fsync, rename, fsync of the directory.
#pragma once

#include <sys/types.h>
#include <string>
#include <string_view>

namespace tend {

// Writes content to path so that path holds either its old content or all
// of the new one, whenever the machine stops. The file gets mode. Throws
// TendError(kInternal) "cannot <step> '<path>': <errno text>".
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

}  // namespace tend
