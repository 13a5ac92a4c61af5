// How log files rotate: the options as a user gives them (per app, or as the
// daemon's defaults in TEND_HOME/config.json), and the policy a log file
// follows once the two are merged. Rotation is on by default: PM2 users
// expect files that do not grow forever, and pm2-logrotate's defaults are
// what they know (10M, 30 archives kept, not compressed, no time interval).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace tend {

// When a file rotates by time: never, at every local midnight or hour, or
// every `every_ms` after its last rotation (or its opening).
struct RotationInterval {
    enum class Kind { kNone, kDaily, kHourly, kEvery };
    Kind kind = Kind::kNone;
    std::int64_t every_ms = 0;

    bool operator==(const RotationInterval&) const = default;
};

// The shortest interval: a file rotated more often is noise, not a log.
inline constexpr std::int64_t kMinRotationIntervalMs = 1000;
// The most archives kept per file: more is a typo, and each is a file.
inline constexpr int kMaxRetain = 10'000;

// "daily", "hourly", "none"/"off", or a duration ("6h", "30m", "90s",
// "1d"), at least kMinRotationIntervalMs. nullopt on anything else.
std::optional<RotationInterval> parse_rotation_interval(std::string_view text);

// How long from now until interval's next rotation: the next local
// midnight or hour (whatever daylight saving does), or every_ms; nullopt
// for kNone. At least 1 ms.
std::optional<std::int64_t> ms_until_rotation(const RotationInterval& interval,
                                              std::chrono::system_clock::time_point now);

// "10M", "512K", "1G", a number of bytes; "0", "off" or "none": never by
// size. nullopt on anything else.
std::optional<std::int64_t> parse_rotation_size(std::string_view text);

// The options as given; each unset one takes the daemon's default.
struct LogRotation {
    std::optional<std::int64_t> max_size;    // bytes; 0 = never by size
    std::optional<std::string> interval;     // as typed: "daily", "hourly", "none", "6h"
    std::optional<int> retain;               // archives kept per file; 0 = none
    std::optional<bool> compress;            // gzip the archives
    std::optional<std::string> date_format;  // strftime, for the archives' names

    bool operator==(const LogRotation&) const = default;
};

// What a log file does.
struct RotationPolicy {
    std::int64_t max_size = std::int64_t{10} << 20;
    RotationInterval interval;
    int retain = 30;
    bool compress = false;
    std::string date_format = "%Y-%m-%d_%H-%M-%S";

    // A file that never rotates (a file opened by a test, say).
    static RotationPolicy never() {
        RotationPolicy p;
        p.max_size = 0;
        return p;
    }

    bool rotates() const { return max_size > 0 || interval.kind != RotationInterval::Kind::kNone; }
    bool operator==(const RotationPolicy&) const = default;
};

// app's options over defaults' over the built-in ones. Throws
// TendError(kBadRequest) on a value that does not parse.
RotationPolicy resolve_rotation(const LogRotation& app, const LogRotation& defaults);

// Reads the rotation keys of an object (an app spec, an ecosystem app, the
// config's "logs"): max_size (bytes, or "10M"), rotate_interval, retain,
// compress, rotate_date_format. Unknown keys are left to the caller.
// Throws TendError(kBadRequest) naming the key and what it must be.
LogRotation read_rotation(const nlohmann::json& object);
// Writes the set options under the same keys (max_size as bytes).
void write_rotation(nlohmann::json& object, const LogRotation& rotation);

// Checks every set value (what read_rotation() would refuse); throws
// TendError(kBadRequest).
void validate_rotation(const LogRotation& rotation);

}  // namespace tend
