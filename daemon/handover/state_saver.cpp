// A uv_prepare handle runs just before the loop blocks: one save per turn
// at most, however many changes the turn made.
#include "daemon/handover/state_saver.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/uv/guard.h"

namespace tend {

StateSaver::StateSaver(uv_loop_t* loop, KeeperLink& keeper, Encode encode)
    : keeper_(keeper), encode_(std::move(encode)) {
    if (!keeper_.active()) return;  // nobody to hand anything to
    prepare_ = uv::Handle<uv_prepare_t>("state saver", uv_prepare_init, loop, this);
    uv::check(uv_prepare_start(prepare_.get(),
                               [](uv_prepare_t* p) {
                                   uv::guarded("state saver", [p] {
                                       auto* self = static_cast<StateSaver*>(p->data);
                                       if (self->dirty_) self->save_now();
                                   });
                               }),
              "uv_prepare_start");
    // A prepare handle would keep the loop alive on its own.
    uv_unref(prepare_.base());
}

void StateSaver::save_now() {
    dirty_ = false;
    if (frozen_ || !keeper_.active()) return;
    std::string state = encode_();
    int fd = ::memfd_create("tend-state", MFD_CLOEXEC);
    if (fd < 0) {
        spdlog::error("cannot save the state for the keeper: {}", std::strerror(errno));
        return;
    }
    std::size_t done = 0;
    while (done < state.size()) {
        ssize_t n = ::write(fd, state.data() + done, state.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            spdlog::error("cannot write the state for the keeper: {}", std::strerror(errno));
            ::close(fd);
            return;
        }
        done += static_cast<std::size_t>(n);
    }
    keeper_.give("state", fd);  // the keeper's copy is the state now
    ::close(fd);
    for (int pid : forget_) keeper_.forget(pid);
    forget_.clear();
    // The text of a large table is hundreds of KB, freed now: give it back,
    // or the daemon's RSS keeps the high-water mark of its saves.
    state.clear();
    state.shrink_to_fit();
    ::malloc_trim(0);
}

void StateSaver::freeze() {
    frozen_ = true;
}

}  // namespace tend
