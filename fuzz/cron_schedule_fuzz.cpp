// A cron_restart expression (and a time zone name): parsed as validate()
// parses it, and its next firing found from a time the input picks.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "common/cron_schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    std::string text(reinterpret_cast<const char*>(data), size);
    // "EXPR|ZONE": the zone is checked (and used) too.
    std::string zone = "UTC";
    if (auto bar = text.find('|'); bar != std::string::npos) {
        zone = text.substr(bar + 1);
        text.resize(bar);
    }
    std::int64_t from = 0;
    std::memcpy(&from, data, std::min(size, sizeof from));
    from = from % (std::int64_t{4} << 40);  // within ±140 years of 1970
    try {
        CronSchedule schedule = CronSchedule::parse(text);
        (void)schedule.next_after(from, zone);
    } catch (const CronError&) {
    }
    return 0;
}
