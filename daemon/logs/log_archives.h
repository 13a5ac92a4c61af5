// The archives of a rotated log file, and how they are named. The live file
// "<dir>/<stem><ext>" ("logs/api-out-0.log") is renamed on rotation to
// "<dir>/<stem>__<date><ext>" ("logs/api-out-0__2026-11-30_04-31-07.log"),
// with "-<n>" after the date when that name is taken (several rotations in
// one second), and ".gz" added once compressed. pm2-logrotate names its
// archives the same way, so log shippers set up for it keep working.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace tend {

// The default date in an archive's name (strftime, local time).
inline constexpr const char* kArchiveDatePattern = "%Y-%m-%d_%H-%M-%S";

// A name for a new archive of live: the first of "<stem>__<date><ext>",
// "<stem>__<date>-1<ext>", ... that exists neither plain nor compressed.
// pattern is strftime's, for when (local time); characters that would make
// another path ('/') become '-'.
struct ArchiveName {
    std::string path;
    std::string date;  // as formatted
    int n = 0;         // the "-<n>" after it; 0 = none
};
// after: the last archive this file made; a name of the same date then
// takes a higher n, so names never go back to one pruned meanwhile.
ArchiveName new_archive_name(const std::string& live, std::time_t when,
                             const std::string& pattern = kArchiveDatePattern,
                             const ArchiveName* after = nullptr);

// The archives of live, newest first: by modification time (a compressed
// archive keeps its original's), then by name. An archive found both plain
// and compressed (compression is finishing) is listed once, plain.
std::vector<std::string> list_log_archives(const std::string& live);

// A file's modification time in ns since the epoch.
std::int64_t file_mtime_ns(const struct stat& st);

// True when something is at path (a link is not followed).
bool path_exists(const std::string& path);

// True when path names a compressed archive (".gz").
bool is_compressed_archive(const std::string& path);

// The last cap bytes of an archive, decompressed if it is compressed; the
// first line may then be partial. A missing archive reads as empty (it was
// removed meanwhile); another error throws TendError(kBadRequest) "cannot
// read log archive '<path>': ...".
std::string read_log_archive(const std::string& path, std::size_t cap);

}  // namespace tend
