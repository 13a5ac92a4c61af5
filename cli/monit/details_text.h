// The details pane's text for the selected instance: every field on its own
// line when the pane is tall, six packed lines when it is short.
#pragma once

#include <string>
#include <vector>

#include "common/app_spec.h"
#include "common/instance_info.h"

namespace tend {

struct DetailLine {
    std::string label;  // "pid", "command", ...
    std::string value;  // already cut to fit the pane
    bool path = false;  // a path: cut at its start, so the file name shows
};

// Lines for an instance in a pane `width` columns wide with `rows` rows for
// them; spec is nullptr until the command line and cwd are known.
std::vector<DetailLine> details_lines(const InstanceInfo& info, const AppSpec* spec, int width,
                                      int rows);

// "code 3", "signal SIGKILL", or "-" before any exit.
std::string last_exit_text(const InstanceInfo& info);

}  // namespace tend
