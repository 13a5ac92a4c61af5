// tend-runtime's rules: when nothing is left to run, and the exit status.
#include "daemon/runtime/runtime_outcome.h"

#include <doctest/doctest.h>
#include <signal.h>

using namespace tend;

namespace {

RuntimeInstance ended(InstanceState state, std::optional<int> code = std::nullopt,
                      std::optional<int> sig = std::nullopt, bool requested = false) {
    RuntimeInstance inst;
    inst.name = "api";
    inst.index = 1;
    inst.state = state;
    inst.exit_code = code;
    inst.exit_signal = sig;
    inst.stop_requested = requested;
    return inst;
}

}  // namespace

TEST_CASE("runtime outcome: anything running or about to run keeps the runtime alive") {
    for (InstanceState s :
         {InstanceState::kLaunching, InstanceState::kOnline, InstanceState::kWaitingRestart,
          InstanceState::kStopping, InstanceState::kWaitingChange})
        CHECK(may_run_again(ended(s)));
    for (InstanceState s :
         {InstanceState::kStopped, InstanceState::kErrored, InstanceState::kCompleted})
        CHECK_FALSE(may_run_again(ended(s)));
    RuntimeInstance cron_job = ended(InstanceState::kCompleted, 0);
    cron_job.scheduled = true;
    CHECK(may_run_again(cron_job));
    CHECK(anything_left_to_run({ended(InstanceState::kCompleted, 0), cron_job}));
    CHECK_FALSE(anything_left_to_run({ended(InstanceState::kCompleted, 0)}));
    CHECK_FALSE(anything_left_to_run({}));
}

TEST_CASE("runtime outcome: completed and cleanly stopped apps exit 0") {
    CHECK(judge({}).exit_code == 0);
    RuntimeOutcome clean = judge({ended(InstanceState::kCompleted, 0),
                                  ended(InstanceState::kStopped, std::nullopt, SIGINT, true),
                                  ended(InstanceState::kStopped, 0, std::nullopt, true),
                                  ended(InstanceState::kStopped)});
    CHECK(clean.exit_code == 0);
    CHECK(clean.summary == "every app completed or stopped cleanly");
    // An exit code the app's stop_exit_codes call final is an expected end.
    RuntimeInstance expected = ended(InstanceState::kStopped, 42);
    expected.stop_exit_codes = {42};
    CHECK(judge({expected}).exit_code == 0);
}

TEST_CASE("runtime outcome: errored or killed apps exit 1 and are named") {
    CHECK(failure_of(ended(InstanceState::kErrored, 1)) == "api-1 errored");
    CHECK(failure_of(ended(InstanceState::kStopped, std::nullopt, SIGKILL, true)) ==
          "api-1 was killed (SIGKILL)");
    CHECK(failure_of(ended(InstanceState::kStopped, std::nullopt, SIGSEGV)) ==
          "api-1 ended by SIGSEGV");
    CHECK(failure_of(ended(InstanceState::kStopped, 3)) == "api-1 exited with code 3");
    // SIGKILL as the app's own stop signal is a clean stop; unasked, a kill.
    RuntimeInstance by_sigkill = ended(InstanceState::kStopped, std::nullopt, SIGKILL, true);
    by_sigkill.stops_with_sigkill = true;
    CHECK(failure_of(by_sigkill).empty());
    by_sigkill.stop_requested = false;
    CHECK(failure_of(by_sigkill) == "api-1 was killed (SIGKILL)");
    // Asked to stop, a non-zero exit is the app's way of stopping.
    CHECK(failure_of(ended(InstanceState::kStopped, 130, std::nullopt, true)).empty());
    RuntimeInstance other = ended(InstanceState::kErrored);
    other.name = "worker";
    other.index = 0;
    RuntimeOutcome outcome =
        judge({ended(InstanceState::kCompleted, 0), other, ended(InstanceState::kStopped, 3)});
    CHECK(outcome.exit_code == 1);
    CHECK(outcome.summary == "worker-0 errored, api-1 exited with code 3");
}
