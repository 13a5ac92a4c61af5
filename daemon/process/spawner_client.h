// tendd's end of tend-spawner (spawner/): it starts the spawner when first
// needed (and again if it died), sends it an order and waits for the answer.
// A start through it costs the same whatever tendd's size: tendd never forks
// for an instance, so its memory and its thousands of descriptors are never
// copied, nor closed again at each exec.
#pragma once

#include <uv.h>

#include <string>
#include <vector>

#include "spawner/wire.h"

namespace tend {

class SpawnerClient {
  public:
    // program: the tend-spawner binary; child_nofile: the descriptor limit
    // the apps get (0: tendd's own).
    SpawnerClient(uv_loop_t* loop, std::string program, long child_nofile);
    ~SpawnerClient();
    SpawnerClient(const SpawnerClient&) = delete;
    SpawnerClient& operator=(const SpawnerClient&) = delete;

    // Whether the spawner program is there to be used.
    bool available() const { return available_; }
    // Starts order's program. Throws TendError when the spawner cannot be
    // started or does not answer (it is then killed, and the next order
    // starts another). An answer with an error and a pid: that child has
    // exited, and is reaped here before returning.
    spawner::Reply run(const spawner::Order& order);
    // Ends the spawner (it exits when its socket closes).
    void close();
    // True for a spawner process libuv still has to reap (the orphan reaper
    // must leave it alone, or libuv would wait for it forever).
    bool owns(int pid) const;

  private:
    struct Process;
    void start();
    void forget(bool kill);
    void on_process_exit(Process* process);

    uv_loop_t* loop_;
    std::string program_;
    long child_nofile_;
    bool available_;
    int socket_ = -1;
    Process* current_ = nullptr;       // the spawner orders go to
    std::vector<Process*> processes_;  // every spawner not yet reaped, current_ too
};

}  // namespace tend
