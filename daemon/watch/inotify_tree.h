// Directory trees watched through ONE inotify descriptor for the whole
// daemon, one watch per directory (inotify is not recursive; libuv's
// uv_fs_event would cost a handle and a descriptor per directory). Per
// directory it keeps only its watch descriptor, its parent and its name,
// nothing per file: a tree of 20,000 files in 1,000 directories costs
// about 100 KB. Directories that appear are watched (and what they hold
// scanned); ones that go are dropped. No libuv here: the daemon polls fd()
// and calls read(); unit tests call read() directly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace tend {

// The most directories one daemon watches, all apps together: past it a
// directory is not watched, as when the kernel's max_user_watches is
// reached. It bounds the daemon's memory (~100 bytes a directory) and the
// time a scan holds the loop.
inline constexpr int kMaxWatchedDirs = 32768;

class InotifyTree {
  public:
    // Whether rel (relative to the root, "" = the root) is ignored.
    using Filter = std::function<bool(const std::string& rel)>;
    // A change under a root: rel names it ("" when the kernel's queue
    // overflowed and what changed is unknown).
    using OnChange = std::function<void(int root, const std::string& rel)>;

    struct RootStatus {
        int dirs = 0;       // directories watched
        int failed = 0;     // directories that could not be watched
        std::string error;  // the first reason, e.g. the kernel's limit
    };

    // Throws TendError when inotify_init1 fails (the instance limit).
    InotifyTree();
    ~InotifyTree();
    InotifyTree(const InotifyTree&) = delete;
    InotifyTree& operator=(const InotifyTree&) = delete;

    int fd() const { return fd_; }
    // Watches dir and every directory under it that filter keeps; returns
    // the root's id. Never throws for what it cannot watch: status says.
    int add_root(const std::string& dir, Filter filter);
    void remove_root(int root);
    RootStatus status(int root) const;
    std::size_t watched_dirs() const { return by_wd_.size(); }

    // Reads what the kernel queued (a bounded amount: the descriptor stays
    // readable for the rest) and reports each change a root keeps.
    void read(const OnChange& on_change);

  private:
    struct Node {
        int wd = -1;
        int parent = -1;         // node index; -1 = a root's top
        std::string name;        // in parent; the absolute path at a top
        std::vector<int> roots;  // the roots this directory is part of
    };
    struct Root {
        std::string dir;
        Filter filter;
        int node = -1;
        RootStatus status;
    };

    void handle_event(std::uint32_t mask, int wd, const std::string& name,
                      const OnChange& on_change);
    void scan(int root, const std::string& dir, int parent, const std::string& name);
    int watch_dir(int root, const std::string& path, int parent, const std::string& name);
    void drop_subtree(int top);
    // Forgets these directories (unwatch: remove their kernel watches too;
    // not when the kernel already did, IN_IGNORED).
    void free_nodes(const std::vector<int>& doomed, bool unwatch);
    std::string path_of(int node) const;
    // rel of node (+ "/" + name) from root's top; false when not under it.
    bool relative_to(int root, int node, const std::string& name, std::string& rel) const;
    int child(int parent, const std::string& name) const;
    void rescan_all();

    int fd_ = -1;
    int next_root_ = 0;
    std::vector<Node> nodes_;
    std::vector<int> free_;  // indexes of nodes_ to reuse
    std::unordered_map<int, int> by_wd_;
    std::map<int, Root> roots_;
};

}  // namespace tend
