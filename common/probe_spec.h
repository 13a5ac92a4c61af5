// A probe's JSON: what a user writes in an ecosystem file (or --readiness /
// --liveness) and what travels in a spec are one form, so one reader serves
// both. Kubernetes' fields with tend's spelling and durations:
//   {"http_get": {"port": 8080, "path": "/health", "host": "127.0.0.1" (an address),
//                 "status": "200-399", "headers": {"X-Probe": "1"}},
//    "initial_delay": "2s", "period": "1s", "timeout": "500ms",
//    "success_threshold": 1, "failure_threshold": 3}
// or {"tcp": {"port": 5432}} or {"exec": {"command": ["pg_isready"]}}
// (a string command runs through /bin/sh -c).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/app_spec.h"

namespace tend {

// Bounds on what a probe may ask: a period under kMinProbePeriodMs would
// make the daemon a load generator.
inline constexpr std::int64_t kMinProbePeriodMs = 100;
inline constexpr std::int64_t kMaxProbeTimeoutMs = 3'600'000;
inline constexpr int kMaxProbeThreshold = 1000;
inline constexpr std::size_t kMaxProbeHeaders = 32;

// Reads v as a probe; throws TendError(kBadRequest) starting with `where`
// ("apps[0].liveness") and naming the key.
Probe read_probe(const json& v, const std::string& where);
json write_probe(const Probe& probe);

// A shorthand for the command line: "http://HOST:PORT/PATH",
// "tcp://HOST:PORT" or "tcp:PORT", "exec:COMMAND"; else a JSON object as
// above. Throws TendError(kBadRequest) starting with `where`.
Probe parse_probe_flag(std::string_view text, const std::string& where);

}  // namespace tend
