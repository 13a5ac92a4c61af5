// An ecosystem .json file's apps, written by every exporter (`tend export`):
// nothing but a TendError may come out, and what Kubernetes and Compose get
// must be YAML that reads back with the same documents (an app's name, an
// env value or an argument never breaks out of its scalar).
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>

#include "cli/ecosystem/ecosystem_file.h"
#include "cli/export/export_target.h"
#include "fake_start_environment.h"

namespace {

void export_fuzz_check_yaml(const std::vector<tend::ExportedFile>& files) {
    for (const tend::ExportedFile& file : files) {
        try {
            for (const YAML::Node& doc : YAML::LoadAll(file.text))
                if (!doc.IsMap()) std::abort();  // every document is an object
        } catch (const YAML::Exception&) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    std::vector<AppSpec> apps;
    try {
        json doc =
            parse_ecosystem_json(std::string_view(reinterpret_cast<const char*>(data), size));
        EcosystemSelection selection{"ecosystem", "/srv/app", "production", {}, {}};
        apps = ecosystem_apps(doc, selection, fuzz::fake_start_environment()).specs;
    } catch (const TendError&) {
        return 0;
    }
    for (bool direct : {false, true}) {
        ExportOptions options;
        options.direct = direct;
        options.image = direct ? "registry.example/app:1" : "";
        try {
            (void)export_systemd(apps, options);
            export_fuzz_check_yaml(export_kubernetes(apps, options));
            export_fuzz_check_yaml(export_compose(apps, options));
        } catch (const TendError&) {
        }
    }
    return 0;
}
