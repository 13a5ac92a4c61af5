// Per-instance rings of log lines; the merged view walks them backwards by
// sequence number with a heap, so it costs the lines shown, not the lines kept.
#include "cli/monit/log_store.h"

#include <algorithm>
#include <queue>

namespace tend {
namespace {

// A position in one ring, walking from its newest line to its oldest.
struct Cursor {
    const std::deque<LogEntry>* ring;
    std::size_t next;  // entries of the ring not yet taken, newest last
    std::uint64_t seq() const { return (*ring)[next - 1].seq; }
    bool operator<(const Cursor& other) const { return seq() < other.seq(); }
};

}  // namespace

LogStore::LogStore(std::size_t per_instance)
    : per_instance_(std::max<std::size_t>(1, per_instance)) {}

void LogStore::add(LogLine line) {
    auto& ring = rings_[line.id];
    if (ring.size() >= per_instance_) ring.pop_front();
    ring.push_back(LogEntry{next_seq_++, std::move(line)});
}

void LogStore::forget(int id) {
    rings_.erase(id);
}

void LogStore::clear() {
    rings_.clear();
}

std::size_t LogStore::count(std::optional<int> id) const {
    if (id) {
        auto it = rings_.find(*id);
        return it == rings_.end() ? 0 : it->second.size();
    }
    std::size_t total = 0;
    for (const auto& [ring_id, ring] : rings_) total += ring.size();
    return total;
}

std::vector<const LogEntry*> LogStore::window(std::optional<int> id, std::size_t rows,
                                              std::size_t back) const {
    if (!id) return merged_window(rows, back);
    std::vector<const LogEntry*> out;
    auto it = rings_.find(*id);
    if (it == rings_.end()) return out;
    const auto& ring = it->second;
    std::size_t end = ring.size() - std::min(back, ring.size());
    std::size_t begin = end - std::min(rows, end);
    for (std::size_t i = begin; i < end; ++i) out.push_back(&ring[i]);
    return out;
}

std::vector<const LogEntry*> LogStore::merged_window(std::size_t rows, std::size_t back) const {
    std::priority_queue<Cursor> newest;
    for (const auto& [ring_id, ring] : rings_)
        if (!ring.empty()) newest.push(Cursor{&ring, ring.size()});
    std::vector<const LogEntry*> out;
    for (std::size_t taken = 0; taken < back + rows && !newest.empty(); ++taken) {
        Cursor cursor = newest.top();
        newest.pop();
        if (taken >= back) out.push_back(&(*cursor.ring)[cursor.next - 1]);
        if (--cursor.next > 0) newest.push(cursor);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace tend
