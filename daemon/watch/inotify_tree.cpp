// One inotify descriptor, one watch per directory, and the walk that adds
// a tree's directories (again after a queue overflow).
#include "daemon/watch/inotify_tree.h"

#include <dirent.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tend {
namespace {

// What counts as a change. IN_MODIFY covers every write (IN_CLOSE_WRITE
// would only double the events of each save); IN_ATTRIB covers `touch`.
// IN_DONT_FOLLOW and the d_type check below: a link to a directory is not
// followed, so a link back up the tree cannot make a loop.
constexpr std::uint32_t kMask = IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW |
                                IN_EXCL_UNLINK;

// Reads per wake-up: the descriptor is level-triggered, so a flood of
// events waits for the next loop turn rather than holding this one.
constexpr int kReadsPerWakeup = 8;

bool is_directory(const std::string& parent, const dirent* e) {
    if (e->d_type == DT_DIR) return true;
    if (e->d_type != DT_UNKNOWN) return false;
    struct stat st {};
    std::string path = parent + "/" + e->d_name;
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string join(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    std::string out = a;
    out += '/';
    out += b;
    return out;
}

}  // namespace

InotifyTree::InotifyTree() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0)
        throw TendError(ErrorCode::kInternal,
                        std::string("cannot watch files: inotify_init1: ") + std::strerror(errno));
}

InotifyTree::~InotifyTree() {
    if (fd_ >= 0) ::close(fd_);
}

int InotifyTree::add_root(const std::string& dir, Filter filter) {
    int id = next_root_++;
    Root& root = roots_[id];
    root.dir = dir;
    root.filter = std::move(filter);
    scan(id, dir, -1, dir);
    return id;
}

void InotifyTree::remove_root(int root) {
    std::vector<int> doomed;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        auto& roots = nodes_[i].roots;
        if (std::find(roots.begin(), roots.end(), root) == roots.end()) continue;
        std::erase(roots, root);
        if (roots.empty()) doomed.push_back(static_cast<int>(i));
    }
    roots_.erase(root);
    free_nodes(doomed, true);
}

InotifyTree::RootStatus InotifyTree::status(int root) const {
    auto it = roots_.find(root);
    return it == roots_.end() ? RootStatus{} : it->second.status;
}

// Walks dir's tree without recursion (a deep tree cannot exhaust the stack),
// watching each directory the root's filter keeps.
void InotifyTree::scan(int root, const std::string& dir, int parent, const std::string& name) {
    struct Pending {
        std::string path;
        std::string rel;
        int parent;
        std::string name;
    };
    const Root& r = roots_.at(root);
    std::string top_rel;
    if (parent >= 0 && !relative_to(root, parent, name, top_rel)) return;
    std::vector<Pending> stack{{dir, top_rel, parent, name}};
    while (!stack.empty()) {
        Pending p = std::move(stack.back());
        stack.pop_back();
        int node = watch_dir(root, p.path, p.parent, p.name);
        if (node < 0) continue;
        if (p.parent < 0) roots_.at(root).node = node;
        DIR* d = ::opendir(p.path.c_str());
        if (!d) continue;
        while (const dirent* e = ::readdir(d)) {
            if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
            if (!is_directory(p.path, e)) continue;
            std::string rel = join(p.rel, e->d_name);
            if (r.filter && r.filter(rel)) continue;
            stack.push_back({p.path + "/" + e->d_name, std::move(rel), node, e->d_name});
        }
        ::closedir(d);
    }
}

int InotifyTree::watch_dir(int root, const std::string& path, int parent, const std::string& name) {
    RootStatus& status = roots_.at(root).status;
    auto fail = [&status](std::string why) {
        if (status.error.empty()) status.error = std::move(why);
        ++status.failed;
        return -1;
    };
    if (by_wd_.size() >= static_cast<std::size_t>(kMaxWatchedDirs))
        return fail("tend watches at most " + std::to_string(kMaxWatchedDirs) + " directories");
    int wd = ::inotify_add_watch(fd_, path.c_str(), kMask);
    if (wd < 0) {
        if ((errno == ENOENT || errno == ENOTDIR) && parent >= 0) return -1;  // gone meanwhile
        if (errno == ENOSPC)
            return fail("the kernel's inotify limit (fs.inotify.max_user_watches) is reached");
        return fail(path + ": " + std::strerror(errno));
    }
    if (auto it = by_wd_.find(wd); it != by_wd_.end()) {
        // Already watched, for another root or an earlier walk.
        Node& n = nodes_[it->second];
        if (n.parent < 0 && parent >= 0 && it->second != parent) {
            n.parent = parent;  // another root's top is inside this tree
            n.name = name;
        }
        if (std::find(n.roots.begin(), n.roots.end(), root) == n.roots.end()) {
            n.roots.push_back(root);
            ++status.dirs;
        }
        return it->second;
    }
    int index;
    if (!free_.empty()) {
        index = free_.back();
        free_.pop_back();
    } else {
        index = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
    }
    nodes_[index] = Node{wd, parent, name, {root}};
    by_wd_[wd] = index;
    ++status.dirs;
    return index;
}

void InotifyTree::read(const OnChange& on_change) {
    alignas(inotify_event) char buf[16384];
    for (int i = 0; i < kReadsPerWakeup; ++i) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) return;
        for (ssize_t at = 0; at < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
            std::string name = ev->len > 0 ? std::string(ev->name) : std::string();
            handle_event(ev->mask, ev->wd, name, on_change);
            at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        }
    }
}

void InotifyTree::handle_event(std::uint32_t mask, int wd, const std::string& name,
                               const OnChange& on_change) {
    if (mask & IN_Q_OVERFLOW) {
        // Events were lost: every root has changed, and a directory made
        // meanwhile may be unwatched.
        for (const auto& [id, root] : roots_) on_change(id, "");
        rescan_all();
        return;
    }
    auto it = by_wd_.find(wd);
    if (it == by_wd_.end()) return;
    int node = it->second;
    if (mask & IN_IGNORED) {  // deleted, or on a file system unmounted
        free_nodes({node}, false);
        return;
    }
    if (name.empty()) return;  // the directory itself: its parent reports it
    bool dir = mask & IN_ISDIR;
    if (dir && (mask & IN_MOVED_FROM)) {
        // Moved away, its watches would report from outside the tree.
        if (int c = child(node, name); c >= 0) drop_subtree(c);
    }
    std::vector<int> roots = nodes_[node].roots;  // a scan may change the node
    for (int root : roots) {
        auto r = roots_.find(root);
        std::string rel;
        if (r == roots_.end() || !relative_to(root, node, name, rel)) continue;
        if (r->second.filter && r->second.filter(rel)) continue;
        if (dir && (mask & (IN_CREATE | IN_MOVED_TO)))
            scan(root, path_of(node) + "/" + name, node, name);
        on_change(root, rel);
    }
}

void InotifyTree::drop_subtree(int top) {
    std::vector<int> doomed;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i].wd < 0) continue;
        for (int n = static_cast<int>(i); n >= 0; n = nodes_[n].parent)
            if (n == top) {
                doomed.push_back(static_cast<int>(i));
                break;
            }
    }
    free_nodes(doomed, true);
}

void InotifyTree::free_nodes(const std::vector<int>& doomed, bool unwatch) {
    std::vector<char> going(nodes_.size(), 0);
    for (int n : doomed) going[n] = 1;
    // A survivor below a doomed directory (another root's top) becomes a top
    // itself, named by its absolute path, computed while its parents live.
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        Node& n = nodes_[i];
        if (n.wd < 0 || going[i] || n.parent < 0 || !going[n.parent]) continue;
        n.name = path_of(static_cast<int>(i));
        n.parent = -1;
    }
    for (int index : doomed) {
        Node& n = nodes_[index];
        if (unwatch) ::inotify_rm_watch(fd_, n.wd);
        by_wd_.erase(n.wd);
        for (auto& [id, root] : roots_) {
            if (std::find(n.roots.begin(), n.roots.end(), id) != n.roots.end()) --root.status.dirs;
            if (root.node == index) root.node = -1;
        }
        n = Node{};
        free_.push_back(index);
    }
}

std::string InotifyTree::path_of(int node) const {
    std::vector<const std::string*> names;
    for (int n = node; n >= 0; n = nodes_[n].parent) names.push_back(&nodes_[n].name);
    std::string path;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        if (!path.empty()) path += '/';
        path += **it;
    }
    return path;
}

bool InotifyTree::relative_to(int root, int node, const std::string& name, std::string& rel) const {
    auto r = roots_.find(root);
    if (r == roots_.end() || r->second.node < 0) return false;
    std::vector<const std::string*> names;
    int n = node;
    for (; n >= 0 && n != r->second.node; n = nodes_[n].parent) names.push_back(&nodes_[n].name);
    if (n < 0) return false;
    rel.clear();
    for (auto it = names.rbegin(); it != names.rend(); ++it) rel = join(rel, **it);
    if (!name.empty()) rel = join(rel, name);
    return true;
}

int InotifyTree::child(int parent, const std::string& name) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].wd >= 0 && nodes_[i].parent == parent && nodes_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

void InotifyTree::rescan_all() {
    for (auto& [id, root] : roots_) scan(id, root.dir, -1, root.dir);
}

}  // namespace tend
