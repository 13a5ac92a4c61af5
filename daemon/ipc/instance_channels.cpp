// Opening, routing and closing the instances' IPC channels.
#include "daemon/ipc/instance_channels.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "common/json_limits.h"

namespace tend {

void InstanceChannels::open(int fd, int id, int pid) {
    IpcChannel* channel = IpcChannel::open(
        loop_, fd, [this, id, pid](std::string_view line) { route(id, pid, line); },
        [this, pid] { channels_.erase(pid); });
    if (channel) channels_[pid] = channel;
}

void InstanceChannels::route(int id, int pid, std::string_view line) {
    ParsedMessage m = parse_app_message(line);
    if (m.kind == MessageKind::kTooDeep) {
        // Dropped whole; the channel stays open for the app's next message.
        spdlog::warn("instance {} (pid {}): dropped: {}", id, pid,
                     too_deep_message("an IPC message"));
        return;
    }
    if (m.kind == MessageKind::kInternal) {
        if (on_internal_) on_internal_(pid, m.data);
    } else if (on_message_) {
        on_message_(id, pid, std::move(m));
    }
}

bool InstanceChannels::send_message(int pid, const std::string& line) {
    return send(pid, line, -1);
}

bool InstanceChannels::send(int pid, const std::string& line, int fd) {
    auto it = channels_.find(pid);
    return it != channels_.end() && it->second->send(line, fd);
}

void InstanceChannels::close_all() {
    // close() erases the channel from channels_.
    std::vector<IpcChannel*> open;
    for (auto& [pid, channel] : channels_) open.push_back(channel);
    for (IpcChannel* channel : open) channel->close();
}

}  // namespace tend
