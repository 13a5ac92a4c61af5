// Naming the instances an action could not bring up.
#include "cli/render/action_failures.h"

#include <algorithm>

namespace tend {
namespace {

// "api:0 (id 0)": the name and index users know, and the id to act on; an
// id the reply does not describe is named by its id alone.
std::string label(const ActionResult& result, int id) {
    auto it = std::find_if(result.instances.begin(), result.instances.end(),
                           [id](const InstanceInfo& info) { return info.id == id; });
    std::string ref = "(id " + std::to_string(id) + ")";
    if (it == result.instances.end()) return ref;
    return it->name + ":" + std::to_string(it->instance) + " " + ref;
}

// "2 instance(s) <what>: api:0 (id 0), api:1 (id 1)".
std::string listing(const ActionResult& result, const std::vector<int>& ids,
                    const std::string& what) {
    std::string text = std::to_string(ids.size()) + " instance(s) " + what + ": ";
    for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? ", " : "") + label(result, ids[i]);
    return text;
}

}  // namespace

std::string action_failures(const ActionResult& result) {
    std::string text;
    if (!result.errored.empty()) text = listing(result, result.errored, "errored");
    if (!result.not_replaced.empty())
        text += (text.empty() ? "" : "; ") +
                listing(result, result.not_replaced, "not reloaded, the old process serves on");
    return text;
}

}  // namespace tend
