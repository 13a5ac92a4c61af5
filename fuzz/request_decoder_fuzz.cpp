// A control-socket request line, as the daemon decodes it: the request, then
// its args as each command's typed struct (a TendError is the expected
// refusal; anything else escaping is a bug), then the reply encoded back.
// The CLI's side, a response line, too.
#include <fuzzer/FuzzedDataProvider.h>

#include "common/app_spec.h"
#include "common/messages.h"
#include "common/protocol.h"

namespace {

using namespace tend;

template <typename T>
void decode(const json& args) {
    try {
        T typed = args_as<T>(args);
        (void)dump_json(json(typed));
        if constexpr (std::is_same_v<T, StartArgs>) validate(typed.spec);
    } catch (const TendError&) {
    }
}

void decode_request(std::string_view line) {
    Request r;
    try {
        r = parse_request(line);
    } catch (const TendError& e) {
        (void)encode_error(std::nullopt, e.code(), e.what());
        return;
    }
    decode<StartArgs>(r.args);
    decode<TargetsArgs>(r.args);
    decode<SpecUpdateArgs>(r.args);
    decode<LogsArgs>(r.args);
    decode<ScaleArgs>(r.args);
    decode<SendArgs>(r.args);
    decode<EnvArgs>(r.args);
    decode<SignalArgs>(r.args);
    decode<EventsArgs>(r.args);
    decode<ListArgs>(r.args);
    decode<MonitArgs>(r.args);
    decode<ResurrectArgs>(r.args);
    (void)encode_request(r);
    (void)encode_reply(r.id, r.args);
}

void decode_response(std::string_view line) {
    try {
        Response r = parse_response(line);
        (void)dump_json(r.result);
        (void)dump_json(r.data);
    } catch (const TendError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view line(reinterpret_cast<const char*>(data), size);
    decode_request(line);
    decode_response(line);
    return 0;
}
