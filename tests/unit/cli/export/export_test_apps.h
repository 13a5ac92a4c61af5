// The apps the exporters' validation tests write: between them, every field
// an exporter maps (probes of each kind, a port, memory, run_as, a one-shot,
// a cron job, depends_on of each condition...).
#pragma once

#include <vector>

#include "common/app_spec.h"

namespace tend::test {

std::vector<AppSpec> rich_export_apps();

}  // namespace tend::test
