// An ecosystem .json file: parsed as `tend start FILE` parses it, then its
// apps read into the specs that would be sent.
#include <cstdint>

#include "cli/ecosystem/ecosystem_file.h"
#include "fake_start_environment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tend;
    json doc;
    try {
        doc = parse_ecosystem_json(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const TendError&) {
        return 0;
    }
    fuzz::start_apps(doc);
    return 0;
}
