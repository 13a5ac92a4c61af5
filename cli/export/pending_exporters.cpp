// Stand-ins for the Kubernetes and Compose exporters, which are written on
// another branch (kubernetes_export.cpp, compose_export.cpp): this branch
// links and says so. Deleted when those are merged.
#include "cli/export/export_target.h"
#include "common/errors.h"

namespace tend {

std::vector<ExportedFile> export_kubernetes(const std::vector<AppSpec>&, const ExportOptions&) {
    throw TendError(ErrorCode::kBadRequest, "tend export kubernetes: not built yet");
}

std::vector<ExportedFile> export_compose(const std::vector<AppSpec>&, const ExportOptions&) {
    throw TendError(ErrorCode::kBadRequest, "tend export compose: not built yet");
}

}  // namespace tend
