// libuv handle ownership in one place. libuv may touch a handle until its
// close callback has run, so a handle's memory is freed only there:
// - Handle<H> owns a handle allocated on its own: its destructor (or close())
//   closes it and the close callback deletes it, so an owner can simply be
//   destroyed, in any order, once the loop runs again;
// - close_and_delete() is for an object that embeds its handles and lives
//   exactly as long as they do (a child process, a pipe reader, a balancer);
// - every uv_*_init result is checked: a failure is a TendError, and a handle
//   that was never initialised is freed without a close.
#pragma once

#include <uv.h>

#include <utility>

namespace tend::uv {

// Throws TendError(kInternal) "what: libuv's message" when rc is an error.
void check(int rc, const char* what);

template <typename H>
class Handle {
  public:
    Handle() = default;
    // A handle made with init(loop, handle, args...), its data set to data;
    // throws TendError "what: reason" when init fails.
    template <typename Init, typename... Args>
    Handle(const char* what, Init init, uv_loop_t* loop, void* data, Args&&... args) {
        check(make(init, loop, data, std::forward<Args>(args)...), what);
    }
    // The same without throwing: libuv's error code, and no handle, on failure.
    template <typename Init, typename... Args>
    int make(Init init, uv_loop_t* loop, void* data, Args&&... args) {
        close();
        auto* handle = new H{};
        if (int rc = init(loop, handle, std::forward<Args>(args)...); rc != 0) {
            delete handle;  // never initialised: libuv knows nothing of it
            return rc;
        }
        handle->data = data;
        handle_ = handle;
        return 0;
    }
    ~Handle() { close(); }
    Handle(Handle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            close();
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }

    H* get() const { return handle_; }
    uv_handle_t* base() const { return reinterpret_cast<uv_handle_t*>(handle_); }
    uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(handle_); }
    explicit operator bool() const { return handle_ != nullptr; }

    // Closes the handle (once; later calls do nothing). No callback of it
    // runs after this, and its memory goes in the close callback.
    void close() {
        if (handle_ == nullptr) return;
        uv_close(base(std::exchange(handle_, nullptr)),
                 [](uv_handle_t* h) { delete reinterpret_cast<H*>(h); });
    }

  private:
    static uv_handle_t* base(H* h) { return reinterpret_cast<uv_handle_t*>(h); }
    H* handle_ = nullptr;
};

// Closes the handles an owner embeds and deletes the owner once libuv has
// run the last one's close callback. No other callback of theirs runs after
// this, so their data pointers are reused for the count.
template <typename Owner, typename... H>
void close_and_delete(Owner* owner, H*... handles) {
    struct Pending {
        Owner* owner;
        int open;
    };
    auto* pending = new Pending{owner, static_cast<int>(sizeof...(H))};
    auto closed = [](uv_handle_t* h) {
        auto* p = static_cast<Pending*>(h->data);
        if (--p->open != 0) return;
        delete p->owner;
        delete p;
    };
    ((handles->data = pending, uv_close(reinterpret_cast<uv_handle_t*>(handles), closed)), ...);
}

}  // namespace tend::uv
