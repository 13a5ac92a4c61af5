// libuv handle ownership in one place. libuv may touch a handle until its
// close callback has run, so a handle's memory is freed only there:
// - Handle<H> owns a handle allocated on its own: its destructor (or close())
//   closes it and the close callback deletes it, so an owner can simply be
//   destroyed, in any order, once the loop runs again;
// - close_and_delete<Owner>() is for an object that embeds its handle and
//   lives exactly as long as it (a child process, a pipe reader);
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
    // A handle made with init(loop, handle, args...), its data set to data.
    template <typename Init, typename... Args>
    Handle(const char* what, Init init, uv_loop_t* loop, void* data, Args&&... args)
        : handle_(new H{}) {
        if (int rc = init(loop, handle_, std::forward<Args>(args)...); rc != 0) {
            delete handle_;
            handle_ = nullptr;
            check(rc, what);
        }
        handle_->data = data;
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

// Closes handle, whose data is its Owner, and deletes the owner once libuv
// is done with the handle.
template <typename Owner, typename H>
void close_and_delete(H* handle) {
    uv_close(reinterpret_cast<uv_handle_t*>(handle),
             [](uv_handle_t* h) { delete static_cast<Owner*>(h->data); });
}

}  // namespace tend::uv
