// The small parsers of option values: sizes, durations, integers, the
// options of `tend start` built on them, and the word lists of ecosystem
// files. A UsageError or TendError is the
// expected refusal; the values they accept must be in range.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cli/ecosystem/ecosystem_apps.h"
#include "cli/start_options.h"
#include "cli/usage_error.h"
#include "common/errors.h"
#include "common/text.h"

namespace {

template <typename F>
void refused_or(F&& parse) {
    try {
        parse();
    } catch (const tend::UsageError&) {
    } catch (const tend::TendError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    std::string text(reinterpret_cast<const char*>(data), size);
    if (auto bytes = parse_size(text); bytes && *bytes < 1) std::abort();
    if (auto ms = parse_duration_ms(text); ms && *ms < 0) std::abort();
    if (auto n = parse_int(text); n && *n < 0) std::abort();
    (void)format_bytes(parse_size(text).value_or(0));
    (void)format_uptime(parse_duration_ms(text).value_or(0));
    refused_or([&] { (void)parse_memory_limit(text); });
    refused_or([&] {
        InstancesFlag flag = parse_instances(text);
        int n = flag.per_cpu.empty() ? flag.count : instances_for_cpus(flag.per_cpu, 4);
        if (n < 1 || n > kInstancesCeiling) std::abort();
    });
    refused_or([&] { (void)parse_stop_exit_codes(text); });
    refused_or([&] { (void)canonical_signal(text); });
    refused_or([&] { (void)parse_exec_mode(text); });
    refused_or([&] { (void)split_command_words(text); });
    refused_or([&] { (void)split_only(text); });
    return 0;
}
