// What the keeper holds while daemons come and go: a copy of every
// descriptor the daemon asked it to keep, by name, and the exits the
// daemon has not yet confirmed it saved.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tend::keeper {

struct ExitRecord {
    int pid = 0;
    int status = 0;  // as waitpid() gives it
};

class FdStore {
  public:
    FdStore() = default;
    ~FdStore();
    FdStore(const FdStore&) = delete;
    FdStore& operator=(const FdStore&) = delete;

    // Keeps fd (now ours) under name; an older copy of that name is closed.
    void put(const std::string& name, int fd);
    void drop(const std::string& name);
    const std::map<std::string, int>& held() const { return held_; }

    void add_exit(int pid, int status) { exits_.push_back({pid, status}); }
    void forget_exit(int pid);
    const std::vector<ExitRecord>& exits() const { return exits_; }

    // For a re-exec of the keeper (`tend update`): every descriptor made
    // inheritable, and the store written to a sealed-off memory file whose
    // fd is returned (-1 on failure); from_file() reads it back.
    int to_file();
    void from_file(int fd);
    // Forgets everything without closing a descriptor: they belong to the
    // keeper exec'd next (from_file() takes them back if the exec fails).
    void release_all();

  private:
    std::map<std::string, int> held_;
    std::vector<ExitRecord> exits_;
};

}  // namespace tend::keeper
