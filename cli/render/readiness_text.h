// An instance's readiness and health, and an app's probes, as list, monit
// and describe show them. An instance up but not ready (its readiness probe
// fails) is "online*" in a table's status column, which keeps its width,
// and a note under the table says what the star means.
#pragma once

#include <string>
#include <string_view>

#include "common/app_spec.h"
#include "common/instance_info.h"

namespace tend {

// Online, and its readiness probe failing since it passed.
bool up_not_ready(const InstanceInfo& info);
// "online*" when up_not_ready, else the state's word.
std::string status_cell(const InstanceInfo& info);
// "online (not ready)", "online", "launching"...
std::string status_words(const InstanceInfo& info);
inline constexpr std::string_view kNotReadyNote =
    "* online but not ready: its readiness probe fails\n";
// "http_get 127.0.0.1:8080/health (200-399), every 1000ms, timeout 1000ms,
// after 0ms, 1 to pass, 3 to fail"; "-" when none.
std::string probe_text(const Probe& probe);

}  // namespace tend
