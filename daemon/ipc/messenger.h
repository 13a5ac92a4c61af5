// Messaging instances: the seam through which the process table writes a
// line to an instance's IPC channel (`tend send`). The real one is
// InstanceChannels; the table's unit tests use a fake.
#pragma once

#include <string>

namespace tend {

class Messenger {
  public:
    virtual ~Messenger() = default;
    // Writes one line to the IPC channel of process pid; false when it has
    // none (any more) or its queue is full.
    virtual bool send_message(int pid, const std::string& line) = 0;
};

}  // namespace tend
