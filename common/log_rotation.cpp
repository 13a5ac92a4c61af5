// Parsing, checking and merging log rotation options.
#include "common/log_rotation.h"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/text.h"

namespace tend {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& key, const std::string& expected,
                         const std::string& got) {
    throw TendError(ErrorCode::kBadRequest, "'" + key + "' must be " + expected + ", not " + got);
}

const char* kIntervalExpected =
    "'daily', 'hourly', 'none' or a duration of at least 1s such as '6h'";
const char* kSizeExpected = "a size such as '10M' (K, M, G), or 0 for never";

std::optional<std::int64_t> parse_days(std::string_view text) {
    if (text.size() < 2 || text.back() != 'd') return std::nullopt;
    auto days = parse_int(text.substr(0, text.size() - 1));
    if (!days || *days > 100'000) return std::nullopt;
    return *days * 24 * 3600 * 1000;
}

}  // namespace

std::optional<RotationInterval> parse_rotation_interval(std::string_view text) {
    using Kind = RotationInterval::Kind;
    if (text == "none" || text == "off" || text == "0") return RotationInterval{};
    if (text == "daily") return RotationInterval{Kind::kDaily, 0};
    if (text == "hourly") return RotationInterval{Kind::kHourly, 0};
    std::optional<std::int64_t> ms = parse_days(text);
    if (!ms) ms = parse_duration_ms(text);
    if (!ms || *ms < kMinRotationIntervalMs) return std::nullopt;
    return RotationInterval{Kind::kEvery, *ms};
}

std::optional<std::int64_t> parse_rotation_size(std::string_view text) {
    if (text == "0" || text == "off" || text == "none") return 0;
    return parse_size(text);
}

std::optional<std::int64_t> ms_until_rotation(const RotationInterval& interval,
                                              std::chrono::system_clock::time_point now) {
    using Kind = RotationInterval::Kind;
    if (interval.kind == Kind::kNone) return std::nullopt;
    if (interval.kind == Kind::kEvery) return std::max<std::int64_t>(interval.every_ms, 1);
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    struct tm next {};
    localtime_r(&seconds, &next);
    if (interval.kind == Kind::kDaily) {
        next.tm_mday += 1;
        next.tm_hour = 0;
    } else {
        next.tm_hour += 1;
    }
    next.tm_min = 0;
    next.tm_sec = 0;
    next.tm_isdst = -1;  // mktime decides, across a change of daylight saving
    std::time_t at = std::mktime(&next);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::from_time_t(at) - now)
                  .count();
    return std::max<std::int64_t>(ms, 1);
}

RotationPolicy resolve_rotation(const LogRotation& app, const LogRotation& defaults) {
    validate_rotation(app);
    validate_rotation(defaults);
    RotationPolicy policy;
    auto pick = [](const auto& a, const auto& d, auto& out) {
        if (a) {
            out = *a;
        } else if (d) {
            out = *d;
        }
    };
    pick(app.max_size, defaults.max_size, policy.max_size);
    pick(app.retain, defaults.retain, policy.retain);
    pick(app.compress, defaults.compress, policy.compress);
    pick(app.date_format, defaults.date_format, policy.date_format);
    std::optional<std::string> interval = app.interval ? app.interval : defaults.interval;
    if (interval) policy.interval = *parse_rotation_interval(*interval);
    return policy;
}

void validate_rotation(const LogRotation& r) {
    if (r.max_size && *r.max_size < 0)
        refuse("max_size", kSizeExpected, std::to_string(*r.max_size));
    if (r.interval && !parse_rotation_interval(*r.interval))
        refuse("rotate_interval", kIntervalExpected, "'" + *r.interval + "'");
    if (r.retain && (*r.retain < 0 || *r.retain > kMaxRetain))
        refuse("retain", "a count from 0 to " + std::to_string(kMaxRetain),
               std::to_string(*r.retain));
    if (r.date_format && (r.date_format->empty() || r.date_format->size() > 64))
        refuse("rotate_date_format", "a strftime pattern of 1 to 64 characters",
               "'" + *r.date_format + "'");
}

LogRotation read_rotation(const json& j) {
    LogRotation r;
    if (auto it = j.find("max_size"); it != j.end() && !it->is_null()) {
        if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
            r.max_size = it->get<std::int64_t>();
        } else if (it->is_string()) {
            r.max_size = parse_rotation_size(it->get<std::string>());
            if (!r.max_size) refuse("max_size", kSizeExpected, "'" + it->get<std::string>() + "'");
        } else {
            refuse("max_size", kSizeExpected, it->dump());
        }
    }
    if (auto it = j.find("rotate_interval"); it != j.end() && !it->is_null()) {
        if (!it->is_string()) refuse("rotate_interval", kIntervalExpected, it->dump());
        r.interval = it->get<std::string>();
    }
    if (auto it = j.find("retain"); it != j.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
            it->get<std::int64_t>() > kMaxRetain)
            refuse("retain", "a count from 0 to " + std::to_string(kMaxRetain), it->dump());
        r.retain = it->get<int>();
    }
    if (auto it = j.find("compress"); it != j.end() && !it->is_null()) {
        if (!it->is_boolean()) refuse("compress", "a boolean", it->dump());
        r.compress = it->get<bool>();
    }
    if (auto it = j.find("rotate_date_format"); it != j.end() && !it->is_null()) {
        if (!it->is_string()) refuse("rotate_date_format", "a string", it->dump());
        r.date_format = it->get<std::string>();
    }
    validate_rotation(r);
    return r;
}

void write_rotation(json& j, const LogRotation& r) {
    if (r.max_size) j["max_size"] = *r.max_size;
    if (r.interval) j["rotate_interval"] = *r.interval;
    if (r.retain) j["retain"] = *r.retain;
    if (r.compress) j["compress"] = *r.compress;
    if (r.date_format) j["rotate_date_format"] = *r.date_format;
}

}  // namespace tend
