// Archive names, the listing newest first, and reading plain and gzip archives.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <ctime>
#include <fstream>

#include "daemon/logs/log_archives.h"
#include "tests/unit/daemon/logs/log_sink_support.h"

namespace tend {

TEST_CASE("an archive is named after the live file and the date, made unique") {
    logtest::TempDir dir;
    std::string live = dir.file("api-out-0.log");
    std::time_t when = 1'790'000'000;
    std::string first = new_archive_name(live, when, "%Y").path;
    CHECK(first.rfind(dir.file("api-out-0__20"), 0) == 0);
    CHECK(first.substr(first.size() - 4) == ".log");
    logtest::write_text_file(first, "x\n");
    ArchiveName named = new_archive_name(live, when, "%Y");
    std::string second = named.path;
    CHECK(second == first.substr(0, first.size() - 4) + "-1.log");
    logtest::write_gzip_file(second + ".gz", "y\n");
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
    logtest::write_text_file(live, "live\n");
    logtest::write_text_file(dir.file("web-err-1__a.log"), "a\n");
    logtest::write_gzip_file(dir.file("web-err-1__b.log.gz"), "b\n");
    logtest::write_text_file(dir.file("web-err-1__c.log"), "c\n");
    logtest::write_gzip_file(dir.file("web-err-1__c.log.gz"), "c\n");  // compression finishing
    logtest::write_text_file(dir.file("web-err-10__z.log"), "other instance\n");
    logtest::write_text_file(dir.file("web-err-1__d.log.gz.tmp"), "temporary\n");
    logtest::set_mtime(dir.file("web-err-1__a.log"), 1000);
    logtest::set_mtime(dir.file("web-err-1__b.log.gz"), 2000);
    logtest::set_mtime(dir.file("web-err-1__c.log"), 3000);
    logtest::set_mtime(dir.file("web-err-1__c.log.gz"), 3000);
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
    logtest::write_text_file(dir.file("p__1.log"), text);
    logtest::write_gzip_file(dir.file("p__2.log.gz"), text);
    CHECK(read_log_archive(dir.file("p__1.log"), 1 << 30) == text);
    CHECK(read_log_archive(dir.file("p__2.log.gz"), 1 << 30) == text);
    CHECK(read_log_archive(dir.file("p__2.log.gz"), 20) == text.substr(text.size() - 20));
    CHECK(read_log_archive(dir.file("gone__1.log"), 20).empty());
}

}  // namespace tend
