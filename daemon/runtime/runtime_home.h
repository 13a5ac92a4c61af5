// tend-runtime's home: TEND_HOME when the image sets it (so `tend list` in
// the container finds the runtime), else a private temporary directory,
// removed when the runtime ends: a container needs nothing writable but
// its temporary directory.
#pragma once

#include <string>

namespace tend {

class RuntimeHome {
  public:
    // Sets TEND_HOME for the daemon and the `tend start` it runs. Throws
    // TendError when a temporary directory cannot be made.
    RuntimeHome();
    ~RuntimeHome();
    RuntimeHome(const RuntimeHome&) = delete;
    RuntimeHome& operator=(const RuntimeHome&) = delete;

    const std::string& path() const { return path_; }

  private:
    std::string path_;
    bool temporary_ = false;
};

}  // namespace tend
