// What an instance writes on its IPC channel, told apart: readiness
// (process.send('ready')), Node's own internal messages, or a message for
// `tend events` subscribers.
#pragma once

#include <string_view>

#include "common/protocol.h"

namespace tend {

// kTooDeep: valid JSON nested deeper than kMaxJsonDepth (json_limits.h),
// dropped unread: the daemon would recurse once per level over it.
enum class MessageKind { kReady, kInternal, kData, kInvalid, kTooDeep };

struct ParsedMessage {
    MessageKind kind = MessageKind::kInvalid;
    json data;
};

ParsedMessage parse_app_message(std::string_view line);

}  // namespace tend
