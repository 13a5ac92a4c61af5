// The inotify descriptor in the loop, and the apps' watches kept in step
// with the table.
#include "daemon/watch/file_watcher.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <set>

#include "common/errors.h"
#include "daemon/uv/guard.h"
#include "daemon/watch/watch_filter.h"

namespace tend {
namespace {

// A watched file is watched through its directory, keeping only its name:
// nothing below that directory is scanned.
std::pair<std::string, std::string> dir_and_only(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return {path, ""};
    std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return {path, ""};
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string shown_path(const std::string& cwd, const std::string& dir, const std::string& rel) {
    if (rel.empty()) return "";
    std::string absolute = dir == "/" ? "/" + rel : dir + "/" + rel;
    if (!cwd.empty() && absolute.size() > cwd.size() + 1 &&
        absolute.compare(0, cwd.size(), cwd) == 0 && absolute[cwd.size()] == '/')
        return absolute.substr(cwd.size() + 1);
    return absolute;
}

}  // namespace

FileWatcher::FileWatcher(uv_loop_t* loop, OnChange on_change, OnStatus on_status)
    : loop_(loop), on_change_(std::move(on_change)), on_status_(std::move(on_status)) {}

FileWatcher::~FileWatcher() {
    close();
}

void FileWatcher::close() {
    closed_ = true;
    poll_.close();  // stops polling now; the descriptor may then be closed
    apps_.clear();
    roots_.clear();
    tree_.reset();
}

void FileWatcher::sync(const std::vector<WatchTarget>& targets) {
    if (closed_) return;
    std::set<std::string> wanted;
    for (const WatchTarget& t : targets) {
        wanted.insert(t.app);
        auto it = apps_.find(t.app);
        if (it != apps_.end() && it->second.target == t) continue;
        if (it != apps_.end()) unwatch(t.app);
        watch(t);
    }
    std::vector<std::string> gone;
    for (const auto& [app, w] : apps_)
        if (!wanted.count(app)) gone.push_back(app);
    for (const auto& app : gone) unwatch(app);
}

bool FileWatcher::ensure_tree() {
    if (tree_) return true;
    try {
        tree_ = std::make_unique<InotifyTree>();
    } catch (const TendError& e) {
        tree_error_ = e.what();
        return false;
    }
    poll_ = uv::Handle<uv_poll_t>("file watcher", uv_poll_init, loop_, this, tree_->fd());
    uv::check(uv_poll_start(poll_.get(), UV_READABLE,
                            [](uv_poll_t* p, int status, int) {
                                if (status != 0) return;
                                uv::guarded("file watcher", [p] {
                                    static_cast<FileWatcher*>(p->data)->on_readable();
                                });
                            }),
              "uv_poll_start");
    return true;
}

void FileWatcher::watch(const WatchTarget& t) {
    Watched& w = apps_[t.app];
    w.target = t;
    if (ensure_tree()) {
        auto filter = std::make_shared<WatchFilter>(t.ignore, t.log_files, t.private_dirs);
        for (const std::string& path : t.paths) {
            auto [dir, only] = dir_and_only(path);
            int id = tree_->add_root(dir, [filter, dir, only](const std::string& rel) {
                return (!only.empty() && rel != only) || filter->ignored(dir, rel);
            });
            w.roots.push_back(id);
            roots_[id] = Root{t.app, dir};
        }
    }
    report_status(t.app, w);
}

void FileWatcher::unwatch(const std::string& app) {
    auto it = apps_.find(app);
    if (it == apps_.end()) return;
    for (int id : it->second.roots) {
        if (tree_) tree_->remove_root(id);
        roots_.erase(id);
    }
    apps_.erase(it);
}

void FileWatcher::on_readable() {
    // One call per app per wake-up, naming its first change.
    std::map<std::string, std::string> changed;
    tree_->read([&](int root, const std::string& rel) {
        auto r = roots_.find(root);
        if (r == roots_.end()) return;
        const Watched& w = apps_.at(r->second.app);
        changed.emplace(r->second.app, shown_path(w.target.cwd, r->second.dir, rel));
    });
    for (const auto& [app, path] : changed) {
        if (on_change_) on_change_(app, path);
    }
    // New directories may have been watched, or refused.
    for (auto& [app, w] : apps_) report_status(app, w);
}

std::string FileWatcher::status_of(const Watched& w) const {
    if (!tree_) return "not watched: " + tree_error_;
    int dirs = 0, failed = 0;
    std::string error;
    for (int id : w.roots) {
        InotifyTree::RootStatus s = tree_->status(id);
        dirs += s.dirs;
        failed += s.failed;
        if (error.empty()) error = s.error;
    }
    std::string text =
        "watching " + std::to_string(dirs) + (dirs == 1 ? " directory" : " directories");
    if (failed > 0)
        text += "; " + std::to_string(failed) + " not watched: " + error;
    else if (!error.empty())
        text += "; " + error;
    return text;
}

void FileWatcher::report_status(const std::string& app, Watched& w) {
    std::string status = status_of(w);
    if (status == w.status) return;
    w.status = status;
    bool failing = status.find("not watched") != std::string::npos;
    if (failing && !w.warned) {
        spdlog::warn("watch '{}': {}", app, status);  // once: describe says it from then on
        w.warned = true;
    }
    if (on_status_) on_status_(app, status);
}

}  // namespace tend
