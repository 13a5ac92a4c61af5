// The temp-file, fsync, rename dance.
#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/errors.h"

namespace tend {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw TendError(ErrorCode::kInternal,
                    "cannot " + what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int fd, std::string_view content, const std::string& path) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("write", path);
        content.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Makes the rename itself durable: the directory entry is data too.
void sync_directory(const std::string& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Creates the temp file anew (O_EXCL) without following a link (O_NOFOLLOW):
// a link planted at the temp's name would otherwise have tend truncate and
// write whatever it points to. A regular file left there by a crash is
// removed first; anything else there is refused.
int create_temp(const std::string& temp, mode_t mode) {
    constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::open(temp.c_str(), kFlags, mode);
    if (fd >= 0 || errno != EEXIST) return fd;
    struct stat st {};
    if (::lstat(temp.c_str(), &st) != 0) return -1;
    if (S_ISLNK(st.st_mode)) {
        throw TendError(ErrorCode::kInternal, "cannot create '" + temp +
                                                  "': it is a symbolic link (tend follows "
                                                  "no link it writes)");
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    if (::unlink(temp.c_str()) != 0) return -1;
    return ::open(temp.c_str(), kFlags, mode);
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
    std::string temp = path + ".tmp";
    int fd = create_temp(temp, mode);
    if (fd < 0) fail("create", temp);
    try {
        if (::fchmod(fd, mode) != 0) fail("set the mode of", temp);  // whatever the umask
        write_all(fd, content, temp);
        if (::fsync(fd) != 0) fail("sync", temp);
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        errno = err;
        fail("replace", path);
    }
    sync_directory(std::filesystem::path(path).parent_path().string());
}

}  // namespace tend
