// `tend describe`: every field of one instance and of its app's spec, as an
// aligned key/value block.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/instance_info.h"

namespace tend {

using Field = std::pair<std::string, std::string>;

// The fields in display order; spec fields only when info carries its spec.
// Absent values ("no exit yet") read "-".
std::vector<Field> describe_fields(const InstanceInfo& info);

// Watch mode's fields (describe_watch.cpp), when info carries its spec.
void add_watch_fields(std::vector<Field>& fields, const InstanceInfo& info);

// A heading line and the aligned fields, newline-terminated.
std::string render_describe(const InstanceInfo& info, bool colour);

}  // namespace tend
