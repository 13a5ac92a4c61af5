// Reading an instance's pipe without taking the bytes out of it: tee(2)
// copies the head of the pipe into a scratch pipe (page references, not the
// bytes), read() takes the copy from there, and only the bytes that reached
// the log file are then consumed from the instance's pipe. Whatever the
// daemon has not written yet stays in the kernel, where a daemon that
// replaces this one (after kill -9 or `tend update`) finds it.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace tend {

// One scratch pipe and a /dev/null descriptor, shared by every reader of a
// LogSink: each peek is read out of the scratch pipe before the next one.
class ScratchPipe {
  public:
    // What peek() found at the head of a pipe.
    struct Peek {
        std::size_t size = 0;  // bytes copied into the scratch pipe; 0: none
        bool eof = false;      // the pipe is empty and has no writer left
        int error = 0;         // errno of a failed tee(), 0 if none
    };

    // Makes the scratch pipe, sized `capacity` if the kernel allows (a user
    // over the pipe quota gets less: see capacity()). Throws
    // TendError(kInternal) when no pipe can be made.
    explicit ScratchPipe(int capacity);
    ~ScratchPipe();
    ScratchPipe(const ScratchPipe&) = delete;
    ScratchPipe& operator=(const ScratchPipe&) = delete;

    // The most one peek can see.
    std::size_t capacity() const { return capacity_; }

    // Copies up to len bytes from the head of the pipe fd, which keeps them.
    // Never blocks. The copy must be read() out before the next peek.
    Peek peek(int fd, std::size_t len);

    // Reads the next bytes of the last peek's copy (at most len); returns the
    // count, or -1 with errno set.
    ssize_t read(char* buffer, std::size_t len);

    // Throws away what is left of the last peek's copy (after an error).
    void discard();

    // Takes the first n bytes out of the pipe fd, which must hold them
    // (they were peeked). Returns 0, or an errno value.
    int consume(int fd, std::size_t n) const { return consume_pipe(fd, n, null_fd_); }

    // The same without a scratch pipe: spliced to null_fd when it is >= 0,
    // else read() into a small buffer and dropped.
    static int consume_pipe(int fd, std::size_t n, int null_fd);

  private:
    int read_fd_ = -1;
    int write_fd_ = -1;
    int null_fd_ = -1;
    std::size_t capacity_ = 0;
};

// Bytes waiting in the pipe fd (FIONREAD); 0 when it cannot tell.
std::size_t pipe_available(int fd);

// True when the pipe fd has no writer left (POLLHUP). libuv reports a hang-up
// only once the pipe is empty, and a partial line keeps it from being empty.
bool pipe_hung_up(int fd);

}  // namespace tend
