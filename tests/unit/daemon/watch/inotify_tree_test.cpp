// The inotify tree on a real temporary directory: changes named relative
// to their root, ignored directories not watched, new directories watched
// with what they hold, removed ones dropped. inotify queues an event in
// the syscall that causes it, so read() right after sees it: no waiting.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "daemon/watch/inotify_tree.h"

using namespace tend;
namespace fs = std::filesystem;

namespace {

struct ScratchTree {
    std::string path;
    ScratchTree() {
        std::string tmpl = (fs::temp_directory_path() / "tend-watch-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~ScratchTree() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& text = "x") const {
        std::ofstream(path + "/" + rel) << text;
    }
    void mkdir(const std::string& rel) const { fs::create_directories(path + "/" + rel); }
};

std::set<std::string> changes_in(InotifyTree& tree, int root) {
    std::set<std::string> out;
    tree.read([&](int r, const std::string& rel) {
        if (r == root) out.insert(rel);
    });
    return out;
}

}  // namespace

TEST_CASE(
    "a change deep in the tree is named from its root, and ignored directories go unwatched") {
    ScratchTree d;
    d.mkdir("src/lib");
    d.mkdir("node_modules/pkg");
    InotifyTree tree;
    int root = tree.add_root(d.path, [](const std::string& rel) {
        return rel == "node_modules" || rel.rfind("node_modules/", 0) == 0;
    });
    CHECK(tree.status(root).dirs == 3);  // the root, src, src/lib
    CHECK(tree.status(root).failed == 0);
    d.write("src/lib/a.js");
    d.write("node_modules/pkg/index.js");
    CHECK(changes_in(tree, root) == std::set<std::string>{"src/lib/a.js"});
}

TEST_CASE("a directory made after the start is watched, and what it already holds") {
    ScratchTree d;
    InotifyTree tree;
    int root = tree.add_root(d.path, nullptr);
    d.mkdir("new/inner");  // inner may be made before the watch on new exists
    CHECK(changes_in(tree, root).count("new") == 1);
    CHECK(tree.status(root).dirs == 3);
    d.write("new/inner/file.txt");
    CHECK(changes_in(tree, root) == std::set<std::string>{"new/inner/file.txt"});
}

TEST_CASE("a removed or moved-away directory is dropped, and removing the root frees every watch") {
    ScratchTree d;
    d.mkdir("a/b");
    d.mkdir("c");
    InotifyTree tree;
    int root = tree.add_root(d.path, nullptr);
    CHECK(tree.status(root).dirs == 4);
    fs::remove_all(d.path + "/a");
    changes_in(tree, root);
    CHECK(tree.status(root).dirs == 2);
    ScratchTree outside;
    fs::rename(d.path + "/c", outside.path + "/c");
    CHECK(changes_in(tree, root) == std::set<std::string>{"c"});
    CHECK(tree.status(root).dirs == 1);
    outside.write("c/later.txt");
    CHECK(changes_in(tree, root).empty());  // no longer in the tree
    tree.remove_root(root);
    CHECK(tree.watched_dirs() == 0);
}

TEST_CASE("two roots may overlap: each hears its part, and one removed leaves the other whole") {
    ScratchTree d;
    d.mkdir("sub/deep");
    InotifyTree tree;
    int inner = tree.add_root(d.path + "/sub", nullptr);
    int outer = tree.add_root(d.path, nullptr);
    CHECK(tree.watched_dirs() == 3);  // shared, not doubled
    std::set<std::pair<int, std::string>> seen;
    d.write("sub/deep/x");
    tree.read([&](int r, const std::string& rel) { seen.emplace(r, rel); });
    CHECK(seen == std::set<std::pair<int, std::string>>{{inner, "deep/x"}, {outer, "sub/deep/x"}});
    tree.remove_root(outer);
    CHECK(tree.watched_dirs() == 2);
    d.write("sub/deep/y");
    CHECK(changes_in(tree, inner) == std::set<std::string>{"deep/y"});
}

TEST_CASE("a root that does not exist is reported, not thrown") {
    InotifyTree tree;
    int root = tree.add_root("/nonexistent/tend-watch", nullptr);
    CHECK(tree.status(root).dirs == 0);
    CHECK(tree.status(root).failed == 1);
    CHECK(tree.status(root).error.find("No such file") != std::string::npos);
}
