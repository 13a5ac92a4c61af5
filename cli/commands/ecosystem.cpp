// `tend ecosystem` (alias `init`): writes a commented sample
// ecosystem.config.js in the current directory, never over an existing one.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/commands/commands.h"
#include "cli/ecosystem/sample_ecosystem.h"
#include "common/errors.h"

namespace tend {
namespace {

int run_ecosystem(CommandContext&) {
    std::string path =
        (std::filesystem::current_path() / std::string(kSampleEcosystemName)).string();
    // O_EXCL: an existing file, even one created a moment ago, is never replaced.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        throw TendError(ErrorCode::kAlreadyExists,
                        std::string(kSampleEcosystemName) +
                            " already exists here: edit it, or remove it first");
    if (fd < 0)
        throw TendError(ErrorCode::kInternal,
                        "cannot create '" + path + "': " + std::strerror(errno));
    std::string_view text = sample_ecosystem();
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw TendError(ErrorCode::kInternal, "cannot write '" + path + "'");
    print_now("[tend] wrote " + path + "\n");
    return 0;
}

}  // namespace

CommandRunner setup_ecosystem(CLI::App& app) {
    return run_ecosystem;
}

}  // namespace tend
