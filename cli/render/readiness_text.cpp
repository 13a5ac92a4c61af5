// Readiness, health and probes in words.
#include "cli/render/readiness_text.h"

namespace tend {

// Only a probe makes an online instance not ready, and an app with a probe
// has a health word; without one (an older reply, a hand-made info) online
// is ready.
bool up_not_ready(const InstanceInfo& info) {
    return info.status == InstanceState::kOnline && !info.ready && !info.health.empty();
}

std::string status_cell(const InstanceInfo& info) {
    std::string word(to_string(info.status));
    return up_not_ready(info) ? word + "*" : word;
}

std::string status_words(const InstanceInfo& info) {
    std::string word(to_string(info.status));
    return up_not_ready(info) ? word + " (not ready)" : word;
}

std::string probe_text(const Probe& p) {
    auto ms = [](std::int64_t v) { return std::to_string(v).append("ms"); };
    std::string out;
    switch (p.kind) {
        case ProbeKind::kNone:
            return "-";
        case ProbeKind::kHttpGet:
        case ProbeKind::kTcp: {
            bool v6 = p.host.find(':') != std::string::npos;
            out = p.kind == ProbeKind::kHttpGet ? "http_get " : "tcp ";
            out.append(v6 ? "[" : "").append(p.host).append(v6 ? "]:" : ":");
            out.append(std::to_string(p.port));
            if (p.kind == ProbeKind::kHttpGet) {
                out.append(p.path).append(" (").append(std::to_string(p.status_min));
                out.append("-").append(std::to_string(p.status_max)).append(")");
            }
            break;
        }
        case ProbeKind::kExec:
            out = "exec";
            for (const auto& word : p.command) out.append(" ").append(word);
            break;
    }
    out.append(", every ").append(ms(p.period_ms));
    out.append(", timeout ").append(ms(p.timeout_ms));
    out.append(", after ").append(ms(p.initial_delay_ms));
    out.append(", ").append(std::to_string(p.success_threshold)).append(" to pass");
    out.append(", ").append(std::to_string(p.failure_threshold)).append(" to fail");
    return out;
}

}  // namespace tend
