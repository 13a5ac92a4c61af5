// Merging stream tails: a stable sort on (known time, time), which keeps
// each stream's file order among equal keys and the streams' order among
// lines without a time.
#include "daemon/logs/tail_order.h"

#include <algorithm>

namespace tend {

std::vector<OrderedLine> in_written_order(std::vector<StreamTail> streams, std::size_t n) {
    struct Keyed {
        TailLine* line;
        const std::string* stream;
    };
    std::vector<Keyed> all;
    for (StreamTail& s : streams)
        for (TailLine& line : s.lines) all.push_back({&line, &s.stream});
    std::stable_sort(all.begin(), all.end(), [](const Keyed& a, const Keyed& b) {
        const auto& ta = a.line->time_ns;
        const auto& tb = b.line->time_ns;
        if (ta.has_value() != tb.has_value()) return !ta.has_value();
        return ta.has_value() && *ta < *tb;
    });
    std::size_t skip = all.size() > n ? all.size() - n : 0;
    std::vector<OrderedLine> ordered;
    ordered.reserve(all.size() - skip);
    for (std::size_t i = skip; i < all.size(); ++i)
        ordered.push_back({*all[i].stream, std::move(all[i].line->text)});
    return ordered;
}

}  // namespace tend
