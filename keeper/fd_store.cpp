// The keeper's store. Its re-exec form is text, a line per entry:
// "fd <number> <name>" and "exit <pid> <status>".
#include "keeper/fd_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tend::keeper {

FdStore::~FdStore() {
    for (auto& [name, fd] : held_) ::close(fd);
}

void FdStore::put(const std::string& name, int fd) {
    auto [it, added] = held_.emplace(name, fd);
    if (added) return;
    if (it->second != fd) ::close(it->second);
    it->second = fd;
}

void FdStore::drop(const std::string& name) {
    auto it = held_.find(name);
    if (it == held_.end()) return;
    ::close(it->second);
    held_.erase(it);
}

void FdStore::release_all() {
    held_.clear();
    exits_.clear();
}

void FdStore::forget_exit(int pid) {
    exits_.erase(std::remove_if(exits_.begin(), exits_.end(),
                                [pid](const ExitRecord& e) { return e.pid == pid; }),
                 exits_.end());
}

int FdStore::to_file() {
    int file = ::memfd_create("tend-keeper-store", 0);
    if (file < 0) return -1;
    std::string text;
    for (auto& [name, fd] : held_) {
        ::fcntl(fd, F_SETFD, 0);  // survives the exec
        text += "fd " + std::to_string(fd) + " " + name + "\n";
    }
    for (const ExitRecord& e : exits_)
        text += "exit " + std::to_string(e.pid) + " " + std::to_string(e.status) + "\n";
    if (::write(file, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        ::close(file);
        return -1;
    }
    return file;
}

void FdStore::from_file(int file) {
    std::string text;
    char chunk[4096];
    ssize_t n;
    ::lseek(file, 0, SEEK_SET);
    while ((n = ::read(file, chunk, sizeof chunk)) > 0) text.append(chunk, n);
    ::close(file);
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        std::size_t first = line.find(' '), second = line.find(' ', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        long number = std::strtol(line.c_str() + first + 1, nullptr, 10);
        if (line.compare(0, first, "fd") == 0) {
            int fd = static_cast<int>(number);
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
            held_[line.substr(second + 1)] = fd;
        } else if (line.compare(0, first, "exit") == 0) {
            add_exit(static_cast<int>(number),
                     static_cast<int>(std::strtol(line.c_str() + second + 1, nullptr, 10)));
        }
    }
}

}  // namespace tend::keeper
