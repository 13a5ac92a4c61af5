// `tend start FILE` with depends_on: each app starts once every dependency
// meets its condition (started, ready, healthy, completed_successfully), so
// independent apps start at once and a chain goes link by link. A
// dependency that fails leaves its dependants unstarted, named.
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/ecosystem/dependency_order.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

using Clock = std::chrono::steady_clock;

// How often the daemon's list is read while an app waits: a dependency's
// readiness is seen within this, at ~3 ms a list.
constexpr auto kPollInterval = std::chrono::milliseconds(50);

std::map<std::string, std::vector<InstanceInfo>> instances_by_app(const CommandContext& ctx) {
    auto list = decode_result<InstancesResult>(ctx.call(cmd::kList, ListArgs{}));
    std::map<std::string, std::vector<InstanceInfo>> by_app;
    for (auto& info : list.instances) by_app[info.name].push_back(std::move(info));
    return by_app;
}

// One app waiting its turn.
struct Pending {
    AppSpec spec;
    std::string announced;    // the dependency we said it waits for
    std::string waiting_for;  // the dependency it waits for now
};

class OrderedStart {
  public:
    OrderedStart(std::vector<AppSpec> specs, std::chrono::milliseconds timeout, CommandContext& ctx)
        : ctx_(ctx), deadline_(Clock::now() + timeout), timeout_(timeout) {
        for (auto& spec : specs) pending_.push_back({std::move(spec), "", ""});
    }

    // Returns whether every app started.
    bool run() {
        while (!pending_.empty()) {
            bool moved = step(instances_by_app(ctx_));
            if (!moved && Clock::now() >= deadline_) {
                time_out();
                break;
            }
            if (!moved) std::this_thread::sleep_for(kPollInterval);
        }
        return ok_;
    }

  private:
    // Starts what may start, drops what cannot; whether anything moved.
    bool step(const std::map<std::string, std::vector<InstanceInfo>>& daemon) {
        bool moved = false;
        for (auto it = pending_.begin(); it != pending_.end();) {
            std::optional<std::string> blocked_by = first_unmet(*it, daemon);
            if (blocked_by && blocked_by->empty()) {  // a dependency failed: said already
                it = pending_.erase(it);
                moved = true;
            } else if (!blocked_by) {
                start(it->spec);
                it = pending_.erase(it);
                moved = true;
            } else {
                ++it;
            }
        }
        return moved;
    }

    // nullopt when every dependency is met; "" when one failed (reported
    // here); else the name of one still waited for.
    std::optional<std::string> first_unmet(
        Pending& app, const std::map<std::string, std::vector<InstanceInfo>>& daemon) {
        for (const auto& [dep, condition] : app.spec.depends_on) {
            if (auto failed = failed_.find(dep); failed != failed_.end()) {
                fail(app.spec.name, "its dependency '" + dep + "' " + failed->second);
                return "";
            }
            if (is_pending(dep)) {
                app.waiting_for = dep;
                return dep;
            }
            auto found = daemon.find(dep);
            DependencyState state = dependency_state(
                condition, found == daemon.end() ? std::vector<InstanceInfo>{} : found->second);
            if (state.kind == DependencyState::Kind::kFailed) {
                fail(app.spec.name, "its dependency '" + dep + "' " + state.why);
                return "";
            }
            if (state.kind == DependencyState::Kind::kWaiting) {
                announce(app, dep, condition);
                return dep;
            }
        }
        return std::nullopt;
    }

    void announce(Pending& app, const std::string& dep, const std::string& condition) {
        app.waiting_for = dep;
        if (app.announced == dep) return;
        app.announced = dep;
        print_now("[tend] '" + app.spec.name + "' waits for '" + dep + "' to be " +
                  (condition == "completed_successfully" ? "completed" : condition) + "\n");
    }

    bool is_pending(const std::string& name) const {
        for (const auto& p : pending_)
            if (p.spec.name == name) return true;
        return false;
    }

    void start(AppSpec spec) {
        std::string name = spec.name;
        if (!start_file_app(std::move(spec), ctx_)) {
            ok_ = false;
            // An app that already runs is still there for its dependants.
            if (!ctx_exists(name)) failed_[name] = "could not be started";
        }
    }

    bool ctx_exists(const std::string& name) const { return instances_by_app(ctx_).count(name); }

    void fail(const std::string& name, const std::string& why) {
        std::fprintf(stderr, "tend: error: '%s' not started: %s\n", name.c_str(), why.c_str());
        failed_[name] = "was not started";
        ok_ = false;
    }

    void time_out() {
        for (const auto& p : pending_)
            std::fprintf(stderr,
                         "tend: error: '%s' not started: '%s' did not meet its condition "
                         "within %llds (--deps-timeout)\n",
                         p.spec.name.c_str(), p.waiting_for.c_str(),
                         static_cast<long long>(timeout_.count() / 1000));
        pending_.clear();
        ok_ = false;
    }

    CommandContext& ctx_;
    Clock::time_point deadline_;
    std::chrono::milliseconds timeout_;
    std::vector<Pending> pending_;               // in file order
    std::map<std::string, std::string> failed_;  // app -> why, for its dependants
    bool ok_ = true;
};

}  // namespace

bool start_in_dependency_order(std::vector<AppSpec> specs, bool no_deps,
                               std::chrono::milliseconds timeout, CommandContext& ctx) {
    if (no_deps) {
        bool ok = true;
        for (auto& spec : specs) ok &= start_file_app(std::move(spec), ctx);
        return ok;
    }
    std::set<std::string> running;
    for (const auto& [name, instances] : instances_by_app(ctx)) running.insert(name);
    // Before anything starts: an unknown name or a cycle starts nothing.
    check_dependencies(dependencies_of(specs), running);
    return OrderedStart(std::move(specs), timeout, ctx).run();
}

}  // namespace tend
