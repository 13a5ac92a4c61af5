// An instance's stdout and stderr tails put back in the order they were
// written: by the capture time the write marks gave each line. Lines no mark
// covers (written before this daemon opened the file, or read from an
// archive) come first, in stream blocks (all of stdout, then stderr), as
// nothing tells their order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "daemon/logs/tail_scan.h"

namespace tend {

struct StreamTail {
    std::string stream;           // "out" or "err"
    std::vector<TailLine> lines;  // oldest first
};

struct OrderedLine {
    std::string stream;
    std::string text;
};

// The last n lines of every stream together, oldest first.
std::vector<OrderedLine> in_written_order(std::vector<StreamTail> streams, std::size_t n);

}  // namespace tend
