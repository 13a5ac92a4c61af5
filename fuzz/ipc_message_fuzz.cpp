// What an app writes to TEND_IPC_FD (or Node's channel), as the daemon reads
// it: bytes in arbitrary chunks through the line framer (with a small limit,
// so overlong lines are reached), each line classified and its data encoded
// as `tend events` would send it.
#include <fuzzer/FuzzedDataProvider.h>

#include "daemon/ipc/app_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    FuzzedDataProvider in(data, size);
    LineFramer framer(in.ConsumeIntegralInRange<std::size_t>(1, 256));
    auto on_line = [](std::string_view line) {
        ParsedMessage m = parse_app_message(line);
        if (m.kind == MessageKind::kData) (void)encode_event(1, "message", m.data);
    };
    while (in.remaining_bytes() > 0) {
        std::string chunk = in.ConsumeRandomLengthString(512);
        if (!framer.feed(chunk, on_line)) break;  // the channel closes here
    }
    return 0;
}
