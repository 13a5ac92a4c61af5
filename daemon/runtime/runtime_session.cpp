// tend-runtime's starter and its watch over the table.
#include "daemon/runtime/runtime_session.h"

#include <spdlog/spdlog.h>

#include <csignal>

#include "common/environment.h"
#include "common/errors.h"
#include "common/signals.h"
#include "daemon/uv/c_strings.h"
#include "daemon/uv/guard.h"

namespace tend {
namespace {

// A cron job whose next run will come: its app has a firing ahead and the
// user has not stopped it.
bool scheduled(const App& app, const Instance& inst) {
    return !app.spec.schedule.cron.empty() && !app.spec.restart.autorestart &&
           app.next_run_wall_ms != 0 && !inst.schedule_paused;
}

std::string started_apps(const ProcessTable& table) {
    std::string text;
    for (const AppSpec& spec : table.specs()) {
        if (!text.empty()) text += ", ";
        text.append(spec.name).append(" (").append(std::to_string(spec.instances));
        text += spec.instances == 1 ? " instance)" : " instances)";
    }
    return text;
}

}  // namespace

std::vector<RuntimeInstance> runtime_view(const ProcessTable& table) {
    std::vector<RuntimeInstance> out;
    for (int id : table.all_ids()) {
        const Instance* inst = table.find(id);
        const App* app = inst ? table.find_app(inst->app) : nullptr;
        if (!app) continue;
        out.push_back(RuntimeInstance{inst->app, inst->index, inst->state, inst->exit_code,
                                      inst->exit_signal, inst->stop_requested,
                                      scheduled(*app, *inst), app->spec.restart.stop_exit_codes,
                                      signal_number(app->spec.restart.kill_signal) == SIGKILL});
    }
    return out;
}

RuntimeSession::RuntimeSession(uv_loop_t* loop, const ProcessTable& table, RuntimeOptions options,
                               std::function<void()> end)
    : table_(table),
      options_(std::move(options)),
      end_(std::move(end)),
      check_timer_("runtime check", uv_timer_init, loop, this) {}

RuntimeSession::~RuntimeSession() {
    close();
    if (starter_) starter_->data = nullptr;  // its exit, if it comes, is only closed
}

void RuntimeSession::start() {
    std::vector<std::string> words{options_.tend_program, "start"};
    words.insert(words.end(), options_.start_words.begin(), options_.start_words.end());
    uv::CStrings args{words, {}};
    auto env_vars = current_environment();
    // The daemon is listening already; should the CLI still not reach it,
    // it must fail rather than start a second daemon of its own.
    env_vars["TEND_DAEMON_BIN"] = "/bin/false";
    uv::CStrings env = uv::CStrings::from_env(env_vars);
    // Its table would only repeat what the runtime says; its errors are the user's.
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_IGNORE;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    uv_process_options_t spawn{};
    spawn.file = options_.tend_program.c_str();
    spawn.args = args.get();
    spawn.env = env.get();
    spawn.stdio = stdio;
    spawn.stdio_count = 3;
    spawn.exit_cb = [](uv_process_t* p, std::int64_t status, int signal) {
        uv::guarded("runtime starter", [&] {
            auto* session = static_cast<RuntimeSession*>(p->data);
            uv_close(reinterpret_cast<uv_handle_t*>(p),
                     [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
            if (session) session->on_starter_exit(status, signal);
        });
    };
    starter_ = new uv_process_t{};
    starter_->data = this;
    int rc = uv_spawn(check_timer_.get()->loop, starter_, &spawn);
    if (rc != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(starter_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
        starter_ = nullptr;
        throw TendError(ErrorCode::kInternal,
                        "cannot run " + options_.tend_program + ": " + uv_strerror(rc));
    }
    starter_pid_ = starter_->pid;
}

void RuntimeSession::on_starter_exit(std::int64_t status, int signal) {
    starter_ = nullptr;
    starter_pid_ = 0;
    // Stopped with the runtime (SIGTERM while apps were starting: the daemon
    // refuses starts once it stops, Ctrl-C reaches the starter too): not a
    // failure to start.
    if (closed_ || stopping_) return;
    if (status != 0 || signal != 0) {
        starter_failed_ = status != 0 ? static_cast<int>(status) : 1;
        spdlog::error("the apps could not all be started (tend start exited {}): stopping",
                      *starter_failed_);
        ended_ = true;
        end_();
        return;
    }
    spdlog::info("started {}", started_apps(table_));
    running_ = true;
    on_table_changed();
}

void RuntimeSession::on_table_changed() {
    if (!running_ || ended_ || !options_.auto_exit || !check_timer_.get()) return;
    uv_timer_start(
        check_timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("runtime check", [t] { static_cast<RuntimeSession*>(t->data)->check(); });
        },
        0, 0);
}

void RuntimeSession::check() {
    if (ended_ || anything_left_to_run(runtime_view(table_))) return;
    spdlog::info("nothing is left to run");
    ended_ = true;
    end_();
}

void RuntimeSession::before_stop() {
    stopping_ = true;
    ended_before_stop_.clear();
    // By state, not by may_run_again: a cron job whose last run failed is
    // judged by that run, though it would have run again.
    for (RuntimeInstance& inst : runtime_view(table_))
        if (inst.state == InstanceState::kStopped || inst.state == InstanceState::kErrored ||
            inst.state == InstanceState::kCompleted)
            ended_before_stop_.push_back(std::move(inst));
}

int RuntimeSession::exit_code() const {
    if (starter_failed_) return *starter_failed_;
    std::vector<RuntimeInstance> last = runtime_view(table_);
    for (RuntimeInstance& inst : last)
        for (const RuntimeInstance& ended : ended_before_stop_)
            if (ended.name == inst.name && ended.index == inst.index) inst = ended;
    RuntimeOutcome outcome = judge(last);
    if (outcome.exit_code == 0)
        spdlog::info("exit 0: {}", outcome.summary);
    else
        spdlog::error("exit {}: {}", outcome.exit_code, outcome.summary);
    return outcome.exit_code;
}

void RuntimeSession::close() {
    closed_ = true;
    ended_ = true;
    check_timer_.close();
    // The starter may wait on a dependency: it goes with the runtime.
    if (starter_pid_ != 0) ::kill(starter_pid_, SIGTERM);
}

}  // namespace tend
