// A full disk drops no line: on a 1 MiB tmpfs the app's output is held in
// its pipe (so the app blocks) while the daemon keeps answering and `tend
// logs` says the file is full; once space is freed the lines are written,
// each exactly once and whole. Needs root (mount); skipped otherwise.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness.h"
#include "survival_support.h"

namespace tend::it {

namespace {

// A small tmpfs, unmounted (lazily: the daemon may still hold a file in
// it) however the test ends.
class SmallTmpfs {
  public:
    explicit SmallTmpfs(const std::string& dir) : dir_(dir) {
        mounted_ = ::getuid() == 0 && ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") == 0;
    }
    ~SmallTmpfs() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    bool mounted() const { return mounted_; }

  private:
    std::string dir_;
    bool mounted_ = false;
};

std::uintmax_t size_of(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

}  // namespace

TEST_CASE("a full disk holds an app's lines until space is freed, and drops none") {
    TendHome t;
    std::string dir = t.scratch("small");
    SmallTmpfs tmpfs(dir);
    if (!tmpfs.mounted()) {
        MESSAGE("skipped: mounting a tmpfs needs root");
        return;
    }
    std::string filler = dir + "/filler";
    std::ofstream(filler) << std::string(std::size_t{800} << 10, 'f');
    std::string log = dir + "/app.log";
    t.run_ok(start_fixture("app", {"--output", log}, {"numbered", "--pause-every", "1"}));

    // Full: `tend logs` says so, the daemon answers, the file holds whole lines.
    t.wait_until(
        [&] {
            return contains(t.run_ok({"logs", "app", "--nostream"}).err, "is full");
        },
        "tend logs saying the file is full", 30s);
    Result logs = t.run_ok({"logs", "app", "--nostream", "--lines", "1"});
    CHECK(contains(logs.err, "'" + log + "' is full"));
    CHECK(contains(logs.err, "app's output is held"));
    t.run_ok({"list"});
    std::string text = read_file(log);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    CHECK(check_numbered(log).torn == 0);

    // Space freed: the held lines are written, and the app goes on.
    std::uintmax_t full_size = size_of(log);
    std::filesystem::remove(filler);
    t.wait_until([&] { return size_of(log) > full_size + (std::uintmax_t{100} << 10); },
                 "the log growing again", 30s);
    t.run_ok({"stop", "app"}, 60s);
    t.wait_until(
        [&] {
            return !contains(t.run_ok({"logs", "app", "--nostream"}).err, "is full");
        },
        "the file no longer full", 30s);
    NumberedLines n = check_numbered(log);
    CHECK(n.first == 0);
    CHECK(n.missing == 0);
    CHECK(n.torn == 0);
    CHECK(n.duplicated == 0);
    CHECK(n.out_of_order == 0);
    CHECK(n.count > 4000);
}

}  // namespace tend::it
