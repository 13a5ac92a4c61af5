// Naming, listing and reading a rotated log file's archives.
#include "daemon/logs/log_archives.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "common/errors.h"

namespace tend {

namespace {

constexpr std::string_view kCompressedSuffix = ".gz";

// "logs/api-out-0.log" -> {"logs/", "api-out-0", ".log"}.
struct LiveName {
    std::string dir;  // with its trailing '/', or empty
    std::string stem;
    std::string ext;
};

LiveName split_live(const std::string& live) {
    LiveName name;
    std::size_t slash = live.rfind('/');
    std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    name.dir = live.substr(0, base);
    std::string file = live.substr(base);
    std::size_t dot = file.rfind('.');
    if (dot == std::string::npos || dot == 0) dot = file.size();
    name.stem = file.substr(0, dot);
    name.ext = file.substr(dot);
    return name;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct Found {
    std::string path;
    std::int64_t mtime_ns = 0;
};

[[noreturn]] void throw_archive_error(const std::string& path, const char* reason) {
    throw TendError(ErrorCode::kBadRequest, "cannot read log archive '" + path + "': " + reason);
}

struct GzCloser {
    void operator()(gzFile_s* file) const { gzclose(file); }
};

}  // namespace

ArchiveName new_archive_name(const std::string& live, std::time_t when, const std::string& pattern,
                             const ArchiveName* after) {
    LiveName name = split_live(live);
    struct tm local {};
    localtime_r(&when, &local);
    char date[128];
    std::size_t len = std::strftime(date, sizeof date, pattern.c_str(), &local);
    std::string stamp(date, len);
    std::replace(stamp.begin(), stamp.end(), '/', '-');
    std::string base = name.dir + name.stem + "__" + stamp;
    for (int n = after && after->date == stamp ? after->n + 1 : 0;; ++n) {
        std::string path = base;
        if (n > 0) path.append("-").append(std::to_string(n));
        path += name.ext;
        if (!path_exists(path) && !path_exists(path + std::string(kCompressedSuffix)))
            return {path, stamp, n};
    }
}

std::int64_t file_mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool path_exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_compressed_archive(const std::string& path) {
    return ends_with(path, kCompressedSuffix);
}

std::vector<std::string> list_log_archives(const std::string& live) {
    LiveName name = split_live(live);
    std::string prefix = name.stem + "__";
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(name.dir.empty() ? "." : name.dir.c_str()),
                                            ::closedir);
    if (!dir) return {};
    std::set<std::string> plain;
    std::vector<Found> found;
    while (const dirent* entry = ::readdir(dir.get())) {
        std::string_view file = entry->d_name;
        if (file.size() <= prefix.size() || file.substr(0, prefix.size()) != prefix) continue;
        bool compressed = ends_with(file, std::string(name.ext) + std::string(kCompressedSuffix));
        if (!compressed && !ends_with(file, name.ext)) continue;
        std::string path = name.dir + std::string(file);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (!compressed) plain.insert(path);
        found.push_back({std::move(path), file_mtime_ns(st)});
    }
    // Compression is finishing: the plain copy is whole, the other may not be.
    std::erase_if(found, [&](const Found& f) {
        return is_compressed_archive(f.path) &&
               plain.count(f.path.substr(0, f.path.size() - kCompressedSuffix.size()));
    });
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
        if (a.mtime_ns != b.mtime_ns) return a.mtime_ns > b.mtime_ns;
        return a.path > b.path;
    });
    std::vector<std::string> paths;
    for (Found& f : found) paths.push_back(std::move(f.path));
    return paths;
}

std::string read_log_archive(const std::string& path, std::size_t cap) {
    // gzread reads a plain file as it is, so one path serves both kinds.
    std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
    if (!file) {
        if (errno == ENOENT) return {};
        throw_archive_error(path, std::strerror(errno));
    }
    gzbuffer(file.get(), 128 * 1024);
    std::string text;
    char chunk[64 * 1024];
    for (;;) {
        int got = gzread(file.get(), chunk, sizeof chunk);
        if (got < 0) {
            int code = 0;
            throw_archive_error(path, gzerror(file.get(), &code));
        }
        if (got == 0) break;
        text.append(chunk, static_cast<std::size_t>(got));
        // Keep only the last cap bytes, trimming in large steps.
        if (text.size() > 2 * cap + sizeof chunk) text.erase(0, text.size() - cap);
    }
    if (text.size() > cap) text.erase(0, text.size() - cap);
    return text;
}

}  // namespace tend
