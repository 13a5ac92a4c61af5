// exec probes: the command runs in its own process group (so a timeout
// kills what it started too), with the instance's environment, cwd and
// user, its output discarded. Exit 0 is healthy.
#include <csignal>

#include "common/signals.h"
#include "daemon/health/probe_check.h"
#include "daemon/uv/c_strings.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {
namespace {

class ExecCheck : public ProbeCheck {
  public:
    ExecCheck(uv_loop_t* loop, const Probe& probe, const ExecContext& context, ProbePids pids,
              ProbeDone done)
        : timeout_ms_(probe.timeout_ms), pids_(std::move(pids)), done_(std::move(done)) {
        uv_timer_init(loop, &timer_);
        timer_.data = this;
        process_.data = this;
        int rc = spawn(loop, probe, context);
        if (rc != 0) {
            // libuv has initialised the handle anyway: it is closed with the timer.
            spawned_ = false;
            pending_ = "cannot run '" + probe.command.front() + "': " + uv_strerror(rc);
            uv_timer_start(
                &timer_,
                [](uv_timer_t* t) {
                    uv::guarded("probe", [t] {
                        auto* self = static_cast<ExecCheck*>(t->data);
                        self->answer(false, self->pending_);
                        self->close();
                    });
                },
                0, 0);
            return;
        }
        pid_ = process_.pid;
        pids_->insert(pid_);
        uv_timer_start(
            &timer_,
            [](uv_timer_t* t) {
                uv::guarded("probe timeout", [t] {
                    auto* self = static_cast<ExecCheck*>(t->data);
                    self->kill_group();
                    self->answer(false,
                                 "timed out after " + std::to_string(self->timeout_ms_) + "ms");
                });
            },
            static_cast<std::uint64_t>(timeout_ms_), 0);
    }

    void cancel() override {
        done_ = nullptr;
        if (!spawned_) return close();
        kill_group();  // closed once its exit is in
    }

  private:
    // The command with the instance's env (and TEND_PROBE_PID), cwd and
    // user, output to /dev/null; uv_spawn's result.
    int spawn(uv_loop_t* loop, const Probe& probe, const ExecContext& context) {
        auto env_vars = context.env;
        env_vars["TEND_PROBE_PID"] = std::to_string(context.probed_pid);
        uv::CStrings args{probe.command, {}};
        uv::CStrings env = uv::CStrings::from_env(env_vars);
        uv_stdio_container_t stdio[3];
        for (auto& s : stdio) s.flags = UV_IGNORE;  // /dev/null
        uv_process_options_t options{};
        options.file = probe.command.front().c_str();
        options.args = args.get();
        options.env = env.get();
        options.cwd = context.cwd.empty() ? nullptr : context.cwd.c_str();
        options.stdio = stdio;
        options.stdio_count = 3;
        options.flags = UV_PROCESS_DETACHED;  // its own session and process group
        if (context.run_as) {
            options.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
            options.uid = context.run_as->uid;
            options.gid = context.run_as->gid;
        }
        options.exit_cb = [](uv_process_t* p, std::int64_t status, int signal) {
            uv::guarded("probe exit",
                        [&] { static_cast<ExecCheck*>(p->data)->on_exit(status, signal); });
        };
        return uv_spawn(loop, &process_, &options);
    }

    void kill_group() {
        if (pid_ > 0 && !exited_) ::kill(-pid_, SIGKILL);
    }

    void on_exit(std::int64_t status, int signal) {
        exited_ = true;
        pids_->erase(pid_);
        // Whatever the command left in its group goes with it.
        ::kill(-pid_, SIGKILL);
        if (signal != 0)
            answer(false, "killed by " + signal_name(signal));
        else
            answer(status == 0, "exit code " + std::to_string(status));
        close();
    }

    void answer(bool ok, const std::string& what) {
        ProbeDone done = std::move(done_);
        done_ = nullptr;
        if (done) done(ok, "exec: " + what);
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        uv::close_and_delete(this, &process_, &timer_);
    }

    std::int64_t timeout_ms_;
    ProbePids pids_;
    ProbeDone done_;
    std::string pending_;
    int pid_ = 0;
    bool spawned_ = true;
    bool exited_ = false;
    bool closed_ = false;
    uv_process_t process_{};
    uv_timer_t timer_{};
};

}  // namespace

ProbeCheck* start_exec_check(uv_loop_t* loop, const Probe& probe, const ExecContext& context,
                             ProbePids pids, ProbeDone done) {
    return new ExecCheck(loop, probe, context, std::move(pids), std::move(done));
}

}  // namespace tend
