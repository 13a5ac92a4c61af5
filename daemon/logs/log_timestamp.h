// The timestamp prefix of log lines, like `pm2 --time`:
// "2026-11-23T18:59:01: " in local time. Formatted once per second.
#pragma once

#include <ctime>
#include <string_view>

namespace tend {

class TimestampCache {
  public:
    // The prefix for the given second; valid until the next call.
    std::string_view prefix(std::time_t second);

  private:
    std::time_t second_ = -1;
    char text_[40] = {};
    std::size_t size_ = 0;
};

}  // namespace tend
