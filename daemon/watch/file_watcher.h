// Watch mode's libuv side: the daemon's one inotify descriptor (an
// InotifyTree, made when the first app asks to be watched) polled by one
// uv_poll_t, the watches kept equal to what the table asks for (sync), and
// each change handed on, one per app per wake-up: a burst of writes becomes
// a few calls, which the table debounces.
#pragma once

#include <uv.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/uv/handle.h"
#include "daemon/watch/inotify_tree.h"
#include "daemon/watch/watch_target.h"

namespace tend {

class FileWatcher {
  public:
    // path: the change, relative to the app's cwd when under it, else
    // absolute; "" when the kernel's queue overflowed.
    using OnChange = std::function<void(const std::string& app, const std::string& path)>;
    // What describe says of the app's watch now ("watching 12 directories",
    // or why some are not watched); called whenever it changes.
    using OnStatus = std::function<void(const std::string& app, const std::string& status)>;

    FileWatcher(uv_loop_t* loop, OnChange on_change, OnStatus on_status);
    ~FileWatcher();
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    // Makes the watches those of targets: a new app is watched, a gone one
    // unwatched, a changed one watched anew. Cheap when nothing changed:
    // the daemon calls it after every change to the table.
    void sync(const std::vector<WatchTarget>& targets);
    void close();

  private:
    struct Root {
        std::string app;
        std::string dir;
    };
    struct Watched {
        WatchTarget target;
        std::vector<int> roots;
        std::string status;
        bool warned = false;
    };

    void watch(const WatchTarget& target);
    void unwatch(const std::string& app);
    bool ensure_tree();
    void on_readable();
    void report_status(const std::string& app, Watched& w);
    std::string status_of(const Watched& w) const;

    uv_loop_t* loop_;
    OnChange on_change_;
    OnStatus on_status_;
    std::unique_ptr<InotifyTree> tree_;
    std::string tree_error_;  // why there is no tree
    uv::Handle<uv_poll_t> poll_;
    std::map<std::string, Watched> apps_;
    std::map<int, Root> roots_;  // by the tree's root id
    bool closed_ = false;
};

}  // namespace tend
