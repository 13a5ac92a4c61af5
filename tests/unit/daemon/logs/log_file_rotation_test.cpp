// A log file's rotation on both of its write paths (in the loop, and on the
// threadpool): archives end on whole lines, together with the live file
// they hold every line once and in order, the oldest past `retain` go, and
// the archiver compresses the rest.
#include "daemon/logs/log_archiver.h"
#include "daemon/logs/log_archives.h"
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

namespace {

RotationPolicy by_size(std::int64_t max_size, int retain, bool compress = false) {
    RotationPolicy p;
    p.max_size = max_size;
    p.retain = retain;
    p.compress = compress;
    return p;
}

// The archives, oldest first, then the live file.
std::string everything(const std::string& live) {
    auto archives = list_log_archives(live);
    std::string text;
    for (auto it = archives.rbegin(); it != archives.rend(); ++it)
        text += read_log_archive(*it, std::size_t{1} << 30);
    return text + read_file(live);
}

bool ends_on_a_line(const std::string& text) {
    return text.empty() || text.back() == '\n';
}

}  // namespace

TEST_CASE("log file rotation: in the loop, each archive whole lines, all in order") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("r.log");
    std::string lines = make_lines("r", 400);
    {
        auto file = LogFile::open(loop.get(), path);
        file->set_rotation(by_size(2000, 1000), nullptr);
        REQUIRE(file->writes_in_loop());
        for (std::string_view rest = lines; !rest.empty();) {
            std::size_t nl = rest.find('\n');
            file->write(rest.substr(0, nl + 1));
            rest.remove_prefix(nl + 1);
        }
        CHECK(file->rotations() >= 5);
        CHECK(file->size() < 2000);
        auto archives = list_log_archives(path);
        CHECK(archives.size() == file->rotations());
        for (const auto& a : archives) {
            std::string text = read_log_archive(a, 1 << 20);
            CHECK(text.size() >= 2000);
            CHECK(ends_on_a_line(text));
        }
        CHECK(everything(path) == lines);
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log file rotation: on the threadpool, between two writes") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("t.log");
    std::string lines = make_lines("t", 3000);
    {
        auto file = LogFile::open(loop.get(), path);
        file->use_threadpool_only();
        file->set_rotation(by_size(10000, 1000), nullptr);
        // One write on the threadpool per batch; each completion may rotate.
        for (std::size_t at = 0; at < lines.size();) {
            std::size_t end = lines.find('\n', std::min(lines.size() - 1, at + 3000)) + 1;
            file->append(std::string_view(lines).substr(at, end - at));
            file->flush();
            at = end;
            uv_run(loop.get(), UV_RUN_DEFAULT);
        }
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(file->queued_bytes() == 0);
        CHECK(file->rotations() >= 3);
        for (const auto& a : list_log_archives(path))
            CHECK(ends_on_a_line(read_log_archive(a, 1 << 20)));
        CHECK(everything(path) == lines);
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log file rotation: retain keeps the newest, the archiver compresses them") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("c.log");
    std::string lines = make_lines("c", 2000);
    {
        auto archiver = std::make_shared<LogArchiver>();
        auto file = LogFile::open(loop.get(), path);
        file->set_rotation(by_size(5000, 3, true), archiver);
        for (std::size_t at = 0; at < lines.size();) {
            std::size_t end = lines.find('\n', std::min(lines.size() - 1, at + 1000)) + 1;
            file->write(std::string_view(lines).substr(at, end - at));
            at = end;
        }
        CHECK(file->rotations() > 3);
        CHECK(list_log_archives(path).size() <= 3);  // pruned in the loop at each rotation
        REQUIRE(run_until(loop.get(), [&] { return archiver->idle(); }));
        auto archives = list_log_archives(path);
        CHECK(archives.size() == 3);
        for (const auto& a : archives) CHECK(is_compressed_archive(a));
        // The retained archives and the live file: the last lines, whole, in order.
        std::string kept = everything(path);
        REQUIRE(kept.size() < lines.size());
        CHECK(lines.substr(lines.size() - kept.size()) == kept);
        CHECK((kept.empty() || lines[lines.size() - kept.size() - 1] == '\n'));
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log file rotation: an empty file is not archived; a moved one is reopened") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("e.log");
    {
        auto file = LogFile::open(loop.get(), path);
        file->set_rotation(by_size(0, 5), nullptr);
        file->rotate_soon();
        CHECK(file->rotations() == 0);
        file->write("one\n");
        // logrotate moved it without telling us: nothing of theirs is archived.
        REQUIRE(std::rename(path.c_str(), dir.file("e.log.1").c_str()) == 0);
        file->rotate_soon();
        CHECK(file->rotations() == 0);
        file->write("two\n");
        CHECK(read_file(path) == "two\n");
        file->rotate_soon();
        CHECK(file->rotations() == 1);
        CHECK(list_log_archives(path).size() == 1);
        CHECK(read_file(path).empty());
    }
    CHECK(loop.close() == 0);
}
