// A dotenv file (`--env-file`, `env_file`): tend's own parser, on anything.
#include <cstdint>

#include "cli/env_file.h"
#include "common/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    try {
        auto vars =
            parse_env_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.env");
        for (const auto& [key, value] : vars)
            if (key.empty()) std::abort();
    } catch (const TendError&) {
    }
    return 0;
}
