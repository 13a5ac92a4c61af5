// Opening a log file without following planted links, without blocking on
// a FIFO, and telling a local disk from one that may stall for good.
#include "daemon/logs/log_file_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace tend {

namespace {

namespace fs = std::filesystem;

// O_NONBLOCK: opening a FIFO for writing blocks until a reader comes (the
// loop with it); non-blocking, a FIFO without a reader fails with ENXIO.
constexpr int kOpenFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK;
constexpr mode_t kFileMode = 0640;
constexpr mode_t kDirMode = 0700;
constexpr const char* kLinkInHome = " is a symbolic link (tend follows no link in its home)";

// f_type of the file systems whose writes may hang for good (a server that
// stops answering): NFS, SMB, CIFS, SMB2, FUSE, 9P, Ceph, AFS, Coda, NCP,
// GFS2, OCFS2, Lustre.
constexpr std::array<unsigned long, 13> kRemoteFsTypes{
    0x6969,     0x517B,     0xFF534D42, 0xFE534D42, 0x65735546, 0x01021997, 0x00C36400,
    0x5346414F, 0x73757245, 0x564C,     0x01161970, 0x7461636F, 0x0BD00BD0};

// The part of path under home ("logs/api-out.log"), or nullopt.
std::optional<fs::path> inside_home(const std::string& path, const std::string& home) {
    if (home.empty()) return std::nullopt;
    fs::path rel =
        fs::path(path).lexically_normal().lexically_relative(fs::path(home).lexically_normal());
    if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
    return rel;
}

bool is_link_at(int dir, const std::string& name) {
    struct stat st {};
    return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// Why opening name in dir failed, errno still set.
std::string open_error(int dir, const std::string& name, const std::string& shown, bool in_home) {
    int err = errno;
    if (err == ELOOP || (err == ENOTDIR && is_link_at(dir, name))) {
        return "'" + shown + "'" +
               (in_home ? kLinkInHome
                        : " is a symbolic link (tend does not "
                          "follow one for a log file)");
    }
    struct stat st {};
    if (err == ENXIO && ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISFIFO(st.st_mode)) {
        return "it is a FIFO with no reader";
    }
    return std::strerror(err);
}

// Walks from home to the file one directory at a time, creating what is
// missing, following no link.
int open_in_home(const fs::path& rel, const std::string& home, std::string& error) {
    int dir = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        error = std::strerror(errno);
        return -1;
    }
    fs::path walked = home;
    auto last = std::prev(rel.end());
    for (auto it = rel.begin(); it != last; ++it) {
        std::string name = it->string();
        walked /= name;
        if (::mkdirat(dir, name.c_str(), kDirMode) != 0 && errno != EEXIST) {
            error = open_error(dir, name, walked.string(), true);
            ::close(dir);
            return -1;
        }
        int next = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) error = open_error(dir, name, walked.string(), true);
        ::close(dir);
        if (next < 0) return -1;
        dir = next;
    }
    std::string name = last->string();
    int fd = ::openat(dir, name.c_str(), kOpenFlags | O_NOFOLLOW, kFileMode);
    if (fd < 0) error = open_error(dir, name, (walked / name).string(), true);
    ::close(dir);
    return fd;
}

// /dev/stdout or /dev/stderr on a socket (journald, some container
// runtimes), which cannot be opened anew: the daemon's own descriptor, shared
// (O_NONBLOCK then holds for the daemon's own writes to it too). -1 with
// errno kept for any other path.
int dup_std_stream(const std::string& path) {
    int stream = path == "/dev/stdout" ? 1 : path == "/dev/stderr" ? 2 : -1;
    if (stream < 0) return -1;
    int fd = ::fcntl(stream, F_DUPFD_CLOEXEC, 3);
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_APPEND | O_NONBLOCK);
    return fd;
}

// Outside the home: the directories are the user's to arrange.
int open_elsewhere(const std::string& path, std::string& error) {
    std::error_code ec;
    auto parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) {
        error = ec.message();
        return -1;
    }
    bool device = path.rfind("/dev/", 0) == 0;  // /dev/stdout is a link to the daemon's fd 1
    int fd = ::open(path.c_str(), kOpenFlags | (device ? 0 : O_NOFOLLOW), kFileMode);
    if (fd < 0 && errno == ENXIO) fd = dup_std_stream(path);
    if (fd < 0) error = open_error(AT_FDCWD, path, path, false);
    return fd;
}

bool on_remote_fs(int fd) {
    struct statfs sfs {};
    if (::fstatfs(fd, &sfs) != 0) return false;
    auto type = static_cast<unsigned long>(sfs.f_type);
    for (unsigned long remote : kRemoteFsTypes)
        if (type == remote) return true;
    return false;
}

}  // namespace

OpenedLog open_log(const std::string& path, const std::string& home) {
    OpenedLog opened;
    auto rel = inside_home(path, home);
    opened.fd = rel ? open_in_home(*rel, home, opened.error) : open_elsewhere(path, opened.error);
    if (opened.fd < 0) return opened;
    struct stat st {};
    opened.regular = ::fstat(opened.fd, &st) == 0 && S_ISREG(st.st_mode);
    if (opened.regular) {
        // A regular file never returns EAGAIN; blocking keeps write() whole.
        int flags = ::fcntl(opened.fd, F_GETFL);
        if (flags >= 0) ::fcntl(opened.fd, F_SETFL, flags & ~O_NONBLOCK);
        opened.remote = on_remote_fs(opened.fd);
    }
    return opened;
}

}  // namespace tend
