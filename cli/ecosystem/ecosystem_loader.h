// The disk side of ecosystem files for the commands: read a file and turn it
// into specs (`tend start FILE`) or into app names (`tend stop FILE`).
#pragma once

#include <string>
#include <vector>

#include "cli/ecosystem/ecosystem_apps.h"

namespace tend {

// The specs of the file's selected apps, resolved in the current directory
// and environment. Throws TendError naming the file on any error.
EcosystemApps load_ecosystem_apps(const std::string& path, const std::string& only,
                                  const std::vector<std::string>& env);

// The selected apps of the file at path, with their depends_on.
std::vector<AppDependencies> load_ecosystem_dependencies(const std::string& path,
                                                         const std::string& only);

// targets with every ecosystem file among them replaced by the names of its
// (selected) apps; other targets are kept as they are.
std::vector<std::string> expand_file_targets(const std::vector<std::string>& targets,
                                             const std::string& only);

}  // namespace tend
