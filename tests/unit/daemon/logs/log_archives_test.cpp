// Archive names, the listing newest first, and reading plain and gzip archives.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <ctime>
#include <fstream>

#include "daemon/logs/log_archives.h"
#include "tests/unit/daemon/logs/log_sink_support.h"

namespace tend {
namespace {

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

void write_gzip(const std::string& path, const std::string& text) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
            static_cast<int>(text.size()));
    REQUIRE(gzclose(file) == Z_OK);
}

void set_mtime(const std::string& path, std::time_t seconds) {
    struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("an archive is named after the live file and the date, made unique") {
    logtest::TempDir dir;
    std::string live = dir.file("api-out-0.log");
    std::time_t when = 1'790'000'000;
    std::string first = new_archive_name(live, when, "%Y").path;
    CHECK(first.rfind(dir.file("api-out-0__20"), 0) == 0);
    CHECK(first.substr(first.size() - 4) == ".log");
    write_text(first, "x\n");
    ArchiveName named = new_archive_name(live, when, "%Y");
    std::string second = named.path;
    CHECK(second == first.substr(0, first.size() - 4) + "-1.log");
    write_gzip(second + ".gz", "y\n");
    CHECK(new_archive_name(live, when, "%Y").path == first.substr(0, first.size() - 4) + "-2.log");
    // Never back to a name pruned since: after "-1", "-2" even if the first is free.
    ::unlink(first.c_str());
    ::unlink((second + ".gz").c_str());
    CHECK(new_archive_name(live, when, "%Y", &named).path ==
          first.substr(0, first.size() - 4) + "-2.log");
    // A '/' in the pattern cannot move the archive elsewhere.
    CHECK(new_archive_name(live, when, "%Y/%m").path.find('/', dir.path.size() + 1) ==
          std::string::npos);
}

TEST_CASE("archives are listed newest first, plain over a compressed twin") {
    logtest::TempDir dir;
    std::string live = dir.file("web-err-1.log");
    write_text(live, "live\n");
    write_text(dir.file("web-err-1__a.log"), "a\n");
    write_gzip(dir.file("web-err-1__b.log.gz"), "b\n");
    write_text(dir.file("web-err-1__c.log"), "c\n");
    write_gzip(dir.file("web-err-1__c.log.gz"), "c\n");  // compression finishing
    write_text(dir.file("web-err-10__z.log"), "other instance\n");
    write_text(dir.file("web-err-1__d.log.gz.tmp"), "temporary\n");
    set_mtime(dir.file("web-err-1__a.log"), 1000);
    set_mtime(dir.file("web-err-1__b.log.gz"), 2000);
    set_mtime(dir.file("web-err-1__c.log"), 3000);
    set_mtime(dir.file("web-err-1__c.log.gz"), 3000);
    auto archives = list_log_archives(live);
    REQUIRE(archives.size() == 3);
    CHECK(archives[0] == dir.file("web-err-1__c.log"));
    CHECK(archives[1] == dir.file("web-err-1__b.log.gz"));
    CHECK(archives[2] == dir.file("web-err-1__a.log"));
    CHECK(is_compressed_archive(archives[1]));
    CHECK_FALSE(is_compressed_archive(archives[0]));
}

TEST_CASE("an archive reads the same plain or compressed, its last bytes only") {
    logtest::TempDir dir;
    std::string text;
    for (int i = 0; i < 100000; ++i) text += "line " + std::to_string(i) + "\n";
    write_text(dir.file("p__1.log"), text);
    write_gzip(dir.file("p__2.log.gz"), text);
    CHECK(read_log_archive(dir.file("p__1.log"), 1 << 30) == text);
    CHECK(read_log_archive(dir.file("p__2.log.gz"), 1 << 30) == text);
    CHECK(read_log_archive(dir.file("p__2.log.gz"), 20) == text.substr(text.size() - 20));
    CHECK(read_log_archive(dir.file("gone__1.log"), 20).empty());
}

}  // namespace tend
