// tendd: the tend daemon. Normally started by the tend CLI on first use;
// `tendd --foreground` also logs to stderr (tests, systemd).
#include <cstdio>
#include <cstring>

#include "common/errors.h"
#include "common/paths.h"
#include "common/version.h"
#include "daemon/daemon.h"

int main(int argc, char** argv) {
    tend::DaemonOptions options;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--foreground") == 0) {
            options.log_to_stderr = true;
        } else if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("tendd %s\n", tend::kVersion);
            return 0;
        } else {
            std::fprintf(stderr, "tendd: error: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    try {
        tend::Daemon daemon(tend::resolve_paths(), options);
        return daemon.run();
    } catch (const tend::TendError& e) {
        std::fprintf(stderr, "tendd: error: %s\n", e.what());
        return 1;
    }
}
