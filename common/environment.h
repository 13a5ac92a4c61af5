// The process's environment as a map: what `tend start` hands an app, and
// what the daemon gives apps that bring none.
#pragma once

#include <map>
#include <string>

namespace tend {

// environ as KEY → value; entries without '=' are left out.
std::map<std::string, std::string> current_environment();

}  // namespace tend
