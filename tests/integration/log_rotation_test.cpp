// Built-in log rotation, as a user relies on it: under full load the
// retained archives plus the live file hold a contiguous tail of every
// instance's lines (none lost, torn or repeated), at most `retain` archives
// stay, each a file of its own; a merged file rotates once for all its
// writers; config.json sets the defaults; `tend reloadLogs` and SIGUSR2
// reopen a file an external logrotate moved; `tend flush --all` removes the
// archives; a follower goes on across rotations without a gap.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "harness.h"

namespace tend::it {

namespace {

namespace fs = std::filesystem;

// A file's text, gunzipped when it is compressed (zlib reads plain files as
// they are); "" when it is gone (pruned, or compressed, since it was listed).
std::string read_maybe_gzip(const std::string& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr && !fs::exists(path)) return "";
    REQUIRE_MESSAGE(file != nullptr, path);
    std::string text;
    char buf[1 << 16];
    int got = 0;
    while ((got = gzread(file, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<std::size_t>(got));
    CHECK_MESSAGE(got == 0, path);
    gzclose(file);
    return text;
}

struct Archive {
    std::string path;
    std::int64_t mtime_ns;
    ino_t inode;
};

// The archives beside live ("<stem>__<date>...<ext>[.gz]"), oldest first.
std::vector<Archive> archives_of(const std::string& live) {
    fs::path p(live);
    std::string prefix = p.stem().string() + "__";
    std::vector<Archive> found;
    for (const auto& entry : fs::directory_iterator(p.parent_path())) {
        std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.find(".tmp") != std::string::npos) continue;
        struct stat st {};
        if (::stat(entry.path().c_str(), &st) != 0) continue;
        found.push_back(
            {entry.path().string(),
             static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
             st.st_ino});
    }
    std::sort(found.begin(), found.end(), [](const Archive& a, const Archive& b) {
        return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.path < b.path;
    });
    return found;
}

bool is_gzip(const std::string& path) {
    return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// What the lines of one writer ("<instance> <seq> <x's>", then "end
// <instance> <count>") in a run of files came to.
struct Sequence {
    long first = -1;
    long last = -1;
    long gaps = 0;        // a seq not one more than the one before (lost or repeated)
    long torn = 0;        // a line of this writer that is not whole
    long end_count = -1;  // from its "end" line; -1 when none was seen
};

// Checks the lines of every writer in text, which may interleave writers
// (a merged file). A line of no known shape counts as torn for writer "?".
std::map<std::string, Sequence> sequences(const std::string& text, std::size_t width) {
    std::map<std::string, Sequence> seqs;
    std::string pad(width, 'x');
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.rfind("end ", 0) == 0) {
            std::size_t space = line.find(' ', 4);
            seqs[line.substr(4, space - 4)].end_count = std::stol(line.substr(space + 1));
            continue;
        }
        std::size_t a = line.find(' ');
        std::size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
        bool whole = b != std::string::npos && line.substr(b + 1) == pad && b > a + 1 &&
                     line.find_first_not_of("0123456789", a + 1) == b;
        Sequence& s = seqs[whole ? line.substr(0, a) : "?"];
        if (!whole) {
            ++s.torn;
            continue;
        }
        long seq = std::stol(line.substr(a + 1, b - a - 1));
        if (s.first < 0) {
            s.first = seq;
        } else if (seq != s.last + 1) {
            ++s.gaps;
        }
        s.last = seq;
    }
    return seqs;
}

// The archives (oldest first) then the live file, as one text.
std::string retained_text(const std::string& live) {
    std::string text;
    for (const Archive& a : archives_of(live)) text += read_maybe_gzip(a.path);
    return text + read_file(live);
}

// The last line written to live: in it, or, when the write that ended
// with it made the file rotate, at the end of the newest archive.
bool last_line_starts(const std::string& live, const std::string& prefix) {
    auto lines = whole_lines(live);
    if (lines.empty()) {
        auto archives = archives_of(live);
        if (archives.empty()) return false;
        lines = split_lines(read_maybe_gzip(archives.back().path));
    }
    return !lines.empty() && lines.back().rfind(prefix, 0) == 0;
}

bool no_plain_archive(const std::string& live) {
    auto archives = archives_of(live);
    return std::all_of(archives.begin(), archives.end(),
                       [](const Archive& a) { return is_gzip(a.path); });
}

}  // namespace

TEST_CASE("rotation under full load: at most retain archives, a whole contiguous tail") {
    TendHome home;
    // Eight writers as fast as they can for 20 s, into a file each; and,
    // however loaded the machine, at least 1,000,000 lines of about 42
    // bytes each: more than the 6 files of 5M kept, so the oldest are pruned.
    home.run_ok(start_fixture("flood",
                              {"-i", "8", "--max-size", "5M", "--retain", "5", "--compress"},
                              {"flood", "20", "--at-least", "1000000"}));
    auto live = [&](int i) {
        return home.home() + "/logs/flood-out-" + std::to_string(i) + ".log";
    };
    home.wait_until(
        [&] {
            for (int i = 0; i < 8; ++i)
                if (!last_line_starts(live(i), "end ")) return false;
            return true;
        },
        "every writer's last line in its live file", 90s);
    home.wait_until(
        [&] {
            for (int i = 0; i < 8; ++i)
                if (!no_plain_archive(live(i))) return false;
            return true;
        },
        "every archive compressed", 60s);
    for (int i = 0; i < 8; ++i) {
        CAPTURE(i);
        auto archives = archives_of(live(i));
        CHECK(archives.size() >= 1);  // it did rotate
        CHECK(archives.size() <= 5);
        std::set<ino_t> inodes;
        struct stat st {};
        REQUIRE(::stat(live(i).c_str(), &st) == 0);
        inodes.insert(st.st_ino);
        for (const Archive& a : archives) inodes.insert(a.inode);
        CHECK(inodes.size() == archives.size() + 1);  // never copytruncate
        auto seqs = sequences(retained_text(live(i)), 32);
        CHECK(seqs.count("?") == 0);
        REQUIRE(seqs.count(std::to_string(i)) == 1);
        const Sequence& s = seqs[std::to_string(i)];
        CHECK(s.torn == 0);
        CHECK(s.gaps == 0);
        CHECK(s.end_count == s.last + 1);  // the tail runs to the last line written
        CHECK(s.first > 0);                // and the oldest lines went with pruned archives
    }
}

TEST_CASE("a merged file rotates once for all its writers, tearing and losing nothing") {
    TendHome home;
    // A count, not a time: the writers start apart, and the retained tail
    // must hold every writer's end. 3 x 5 MB, all retained.
    home.run_ok(start_fixture("merged",
                              {"-i", "3", "--merge-logs", "--max-size", "1M", "--retain", "100"},
                              {"flood", "60", "--width", "20", "--lines", "200000"}));
    std::string live = home.home() + "/logs/merged-out.log";
    home.wait_until(
        [&] {
            auto seqs = sequences(retained_text(live), 20);
            return seqs["0"].end_count >= 0 && seqs["1"].end_count >= 0 && seqs["2"].end_count >= 0;
        },
        "every writer's end line in the merged file", 60s);
    auto archives = archives_of(live);
    CHECK(archives.size() >= 10);
    for (const Archive& a : archives) CHECK(fs::file_size(a.path) >= (1 << 20));
    auto seqs = sequences(retained_text(live), 20);
    CHECK(seqs.count("?") == 0);
    for (std::string i : {"0", "1", "2"}) {
        CAPTURE(i);
        CHECK(seqs[i].torn == 0);
        CHECK(seqs[i].gaps == 0);
        CHECK(seqs[i].first == 0);
        CHECK(seqs[i].end_count == 200000);
        CHECK(seqs[i].end_count == seqs[i].last + 1);
    }
}

TEST_CASE("reloadLogs and SIGUSR2 reopen a log file an external logrotate moved") {
    TendHome home;
    home.run_ok(start_fixture("tick", {"--max-size", "0"}, {"numbered", "--pause-every", "1"}));
    std::string live = home.home() + "/logs/tick-out-0.log";
    home.wait_for_line(live, "0 ", "the first line");
    // As logrotate's `create` does: move the file, then tell the daemon.
    REQUIRE(std::rename(live.c_str(), (live + ".1").c_str()) == 0);
    auto reloaded = home.run_ok({"reloadLogs"});
    CHECK(contains(reloaded.out, "reopened"));
    home.wait_for_line(live, "0 ", "a line in the new file after reloadLogs");
    REQUIRE(std::rename(live.c_str(), (live + ".2").c_str()) == 0);
    REQUIRE(::kill(home.serving_pid(), SIGUSR2) == 0);
    home.wait_for_line(live, "0 ", "a line in the new file after SIGUSR2");
    home.run_ok({"stop", "tick"});
    std::string text = read_file(live + ".1") + read_file(live + ".2") + read_file(live);
    auto seqs = sequences(text, 40);
    CHECK(seqs.count("?") == 0);
    CHECK(seqs["0"].first == 0);
    CHECK(seqs["0"].gaps == 0);
    CHECK(whole_lines(live + ".2").size() > 0);
}

TEST_CASE("config.json sets rotation defaults, reloadLogs applies them, flush --all clears") {
    TendHome home;
    home.run_ok(start_fixture("cfg", {}, {"numbered", "--pause-every", "1"}));
    std::string live = home.home() + "/logs/cfg-out-0.log";
    home.wait_for_line(live, "0 ", "the first line");
    CHECK(archives_of(live).empty());  // 10M by default: not yet

    write_text(home.home() + "/config.json", R"({"logs": {"max_size": "4K", "retain": 2}})");
    home.run_ok({"reloadLogs"});
    // Two archives kept, and the first lines already went with a pruned one.
    home.wait_until(
        [&] {
            auto archives = archives_of(live);
            return archives.size() == 2 && read_maybe_gzip(archives[0].path).rfind("0 0 ", 0) != 0;
        },
        "two archives of 4K, the oldest pruned", 30s);
    std::size_t most = 0;
    for (int i = 0; i < 20; ++i) most = std::max(most, archives_of(live).size());
    CHECK(most <= 2);
    home.run_ok({"stop", "cfg"});
    auto seqs = sequences(retained_text(live), 40);
    CHECK(seqs.count("?") == 0);
    CHECK(seqs["0"].gaps == 0);
    CHECK(seqs["0"].first > 0);
    for (const Archive& a : archives_of(live)) CHECK(fs::file_size(a.path) >= 4096);

    // A bad config is refused with one line naming it; the daemon serves on.
    write_text(home.home() + "/config.json", R"({"logs": {"max_size": "huge"}})");
    auto bad = home.run({"reloadLogs"});
    CHECK(bad.exit_code != 0);
    CHECK(contains(bad.err, "config.json"));
    CHECK(contains(bad.err, "max_size"));
    home.run_ok({"list"});

    auto flushed = home.run_ok({"flush", "cfg", "--all"});
    CHECK(contains(flushed.out, "archives"));
    CHECK(archives_of(live).empty());
    CHECK(fs::file_size(live) == 0);
}

TEST_CASE("a time interval rotates a file that never reaches its size") {
    TendHome home;
    home.run_ok(start_fixture("hourly", {"--rotate-interval", "1s", "--retain", "10"},
                              {"numbered", "--pause-every", "1"}));
    std::string live = home.home() + "/logs/hourly-out-0.log";
    home.wait_until([&] { return archives_of(live).size() >= 2; }, "two archives a second apart",
                    30s);
    home.run_ok({"stop", "hourly"});
    auto seqs = sequences(retained_text(live), 40);
    CHECK(seqs.count("?") == 0);
    CHECK(seqs["0"].first == 0);
    CHECK(seqs["0"].gaps == 0);
}

TEST_CASE("a follower goes on across rotations without a gap or a repeat") {
    TendHome home;
    home.run_ok(start_fixture("flw", {"--max-size", "8K", "--retain", "1000"},
                              {"numbered", "--pause-every", "1"}));
    std::string live = home.home() + "/logs/flw-out-0.log";
    home.wait_for_line(live, "0 ", "the first line");
    std::size_t before = archives_of(live).size();
    auto follower = home.stream({"logs", "flw", "--raw", "--lines", "0"});
    std::vector<std::string> lines;
    while (lines.size() < 3000) {
        auto line = follower->read_line(10s);
        REQUIRE_MESSAGE(line, "the follower stopped after " << lines.size() << " lines");
        lines.push_back(*line);
    }
    CHECK(archives_of(live).size() >= before + 3);  // it did rotate meanwhile
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    auto seqs = sequences(text, 40);
    CHECK(seqs.count("?") == 0);
    CHECK(seqs["0"].gaps == 0);
}

}  // namespace tend::it

namespace tend::it {

TEST_CASE("tendd refuses a bad config.json at start, and its log says why") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    std::ofstream(t.home() + "/config.json") << R"({"logs": {"retain": "many"}})";
    // Run by hand, the daemon says it on stderr and exits.
    Result d = t.run_program({TENDD_BIN, "--foreground"}, 10s);
    CHECK(d.exit_code == 1);
    CHECK(contains(d.err, "config.json"));
    CHECK(contains(d.err, "'retain' must be"));
    // Started by the CLI, it points at the log, which has the reason.
    Result r = t.run({"list"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "tendd.log"));
    CHECK(contains(read_file(t.home() + "/tendd.log"), "'retain' must be"));
}

}  // namespace tend::it
