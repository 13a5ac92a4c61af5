// `tend export systemd|kubernetes|compose`: the same app specs written for
// the engines that run many hosts. Each exporter is pure: specs in, files
// out. What has no equivalent on the target is written into the output as a
// comment, never dropped silently.
#pragma once

#include <string>
#include <vector>

#include "common/app_spec.h"

namespace tend {

// One file an exporter writes: a name relative to the output directory
// ("api@.service", "api.yaml", "compose.yaml") and its whole text.
struct ExportedFile {
    std::string name;
    std::string text;
};

struct ExportOptions {
    // Kubernetes and Compose: each container runs its app under
    // tend-runtime (the default), or the app's own command line (--direct).
    bool direct = false;
    // Kubernetes and Compose: the image every container runs; empty = a
    // placeholder the output's comment asks the user to replace.
    std::string image;
    // systemd: the user the units run as (User=); empty = each app's uid, or none.
    std::string user;
};

std::vector<ExportedFile> export_systemd(const std::vector<AppSpec>& apps,
                                         const ExportOptions& options);
std::vector<ExportedFile> export_kubernetes(const std::vector<AppSpec>& apps,
                                            const ExportOptions& options);
std::vector<ExportedFile> export_compose(const std::vector<AppSpec>& apps,
                                         const ExportOptions& options);

}  // namespace tend
