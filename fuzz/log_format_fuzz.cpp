// Log line formats: a date format as a user writes it (parsed, and when
// valid rendered at an arbitrary time, UTC and local), a line as an app
// writes it (stored as a JSON line that must parse back to the same message,
// with U+FFFD for bytes that are not UTF-8), and a stored line decoded.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "common/json_limits.h"
#include "common/log_format.h"
#include "daemon/logs/log_line_format.h"

namespace {

using namespace tend;

void check_date_format(const std::string& text, std::int64_t ms) {
    try {
        DateFormat format = DateFormat::parse(text);
        (void)format.format(ms, true);
        (void)format.format(ms, false);
        LineFormatter json_lines(LogFormat{LogType::kJson, text, true}, {"app", 1, 0, "out"});
        std::string line(json_lines.prefix(ms));
        line.append(json_lines.body("x")).append(json_lines.ending(false));
        line.pop_back();
        ParsedJson parsed = parse_json_limited(line);
        if (!parsed.ok() || parsed.value["message"] != "x") std::abort();
    } catch (const std::invalid_argument&) {
        // a refused format: fine
    }
}

void check_json_line(const std::string& message) {
    LogOptions options;
    options.log_type = "json";
    LineFormatter f(log_format_of(options), {"app", 1, 0, "err"});
    std::string line(f.prefix(1795460341123));
    line.append(f.body(message)).append(f.ending(false));
    line.pop_back();
    StoredLine back = decode_stored_line(line, LogType::kJson);
    if (back.time != 1795460341123) std::abort();
    // ASCII comes back as it was; other bytes as their escaped string reads.
    bool ascii = true;
    for (char c : message) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii && back.message != message) std::abort();
    std::string quoted = "\"";
    append_json_chars(quoted, message);
    quoted += '"';
    ParsedJson parsed = parse_json_limited(quoted);
    if (!parsed.ok() || parsed.value.get<std::string>() != back.message) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    auto ms = in.ConsumeIntegralInRange<std::int64_t>(0, std::int64_t{253402300799999});
    std::string format = in.ConsumeRandomLengthString(300);
    std::string rest = in.ConsumeRemainingBytesAsString();
    check_date_format(format, ms);
    check_json_line(rest);
    (void)decode_stored_line(rest, LogType::kJson);
    return 0;
}
