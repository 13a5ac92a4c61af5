// Merging an instance's stdout and stderr tails in capture order.
#include <doctest/doctest.h>

#include "daemon/logs/tail_order.h"

namespace tend {
namespace ordertest {

std::vector<std::string> texts(const std::vector<OrderedLine>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l.stream + ":" + l.text);
    return out;
}

}  // namespace ordertest

TEST_CASE("stdout and stderr lines merge in capture order, and --lines counts both") {
    StreamTail out{"out", {{"o1", 10}, {"o2", 30}, {"o3", 50}}};
    StreamTail err{"err", {{"e1", 20}, {"e2", 40}}};
    CHECK(ordertest::texts(in_written_order({out, err}, 10)) ==
          std::vector<std::string>{"out:o1", "err:e1", "out:o2", "err:e2", "out:o3"});
    CHECK(ordertest::texts(in_written_order({out, err}, 4)) ==
          std::vector<std::string>{"err:e1", "out:o2", "err:e2", "out:o3"});
    CHECK(in_written_order({out, err}, 0).empty());
}

TEST_CASE("lines without a capture time come first, in stream blocks") {
    StreamTail out{"out", {{"old-o1", std::nullopt}, {"old-o2", std::nullopt}, {"o3", 30}}};
    StreamTail err{"err", {{"old-e1", std::nullopt}, {"e2", 20}}};
    CHECK(ordertest::texts(in_written_order({out, err}, 10)) ==
          std::vector<std::string>{"out:old-o1", "out:old-o2", "err:old-e1", "err:e2", "out:o3"});
}

TEST_CASE("lines of one batch keep their file order") {
    StreamTail out{"out", {{"a", 7}, {"b", 7}, {"c", 7}}};
    CHECK(ordertest::texts(in_written_order({out}, 2)) ==
          std::vector<std::string>{"out:b", "out:c"});
}

}  // namespace tend
