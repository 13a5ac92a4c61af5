// The one error line of a restart, reload or scale that could not bring
// every instance up.
#pragma once

#include <string>

#include "common/messages.h"

namespace tend {

// "1 instance(s) errored: api:0 (id 0)", and for a reload whose
// replacements failed "2 instance(s) not reloaded, the old process serves
// on: api:0 (id 0), api:1 (id 1)" (both, joined by "; ", when both
// happened); "" when every instance came up.
std::string action_failures(const ActionResult& result);

}  // namespace tend
