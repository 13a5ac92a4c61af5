// describe's watch-mode fields: what is watched, what is ignored, the
// debounce, and the daemon's word on the watch (directories watched, or
// why some are not).
#include "cli/render/describe.h"

namespace tend {
namespace {

std::string joined(const std::vector<std::string>& words, const std::string& none) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ", ";
        out += w;
    }
    return out.empty() ? none : out;
}

}  // namespace

void add_watch_fields(std::vector<Field>& fields, const InstanceInfo& info) {
    if (!info.spec) return;
    const WatchOptions& w = info.spec->watch;
    if (!w.enabled) {
        fields.emplace_back("watch", "off");
        return;
    }
    std::string ignore = "node_modules, .git, tend's log files";
    if (!w.ignore.empty()) ignore = joined(w.ignore, "") + ", " + ignore;
    fields.insert(fields.end(),
                  {
                      {"watch", joined(w.paths, info.spec->cwd)},
                      {"ignore watch", ignore},
                      {"watch delay", std::to_string(w.delay_ms) + " ms"},
                      {"on change", w.reload ? "reload" : "restart"},
                      {"watch status", info.watch_status.empty() ? "-" : info.watch_status},
                  });
}

}  // namespace tend
