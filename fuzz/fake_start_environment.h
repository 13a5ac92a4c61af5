// The ecosystem targets' world: a shell in /home/u, scripts under /srv/app,
// no disk at all (an env_file names no file that is read).
#pragma once

#include <set>
#include <string>

#include "cli/ecosystem/ecosystem_apps.h"
#include "common/errors.h"
#include "common/protocol.h"

namespace tend::fuzz {

inline StartEnvironment fake_start_environment() {
    StartEnvironment env;
    env.cwd = "/home/u";
    env.env = {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}, {"N", "7"}};
    std::set<std::string> files{"/srv/app/server.js", "/srv/app/worker.js", "/srv/app/job.py",
                                "/usr/bin/sleep"};
    env.is_file = [files](const std::string& p) { return files.count(p) > 0; };
    env.is_executable = env.is_file;
    env.is_directory = [](const std::string& p) { return p == "/srv/app" || p == "/tmp"; };
    env.read_env_file = [](const std::string&, const std::string&) {
        return std::map<std::string, std::string>{{"FROM_FILE", "1"}};
    };
    return env;
}

// The apps of a document as `tend start FILE --env production` reads them;
// a TendError is the expected refusal of a bad document.
inline void start_apps(const json& doc) {
    EcosystemSelection selection{"ecosystem", "/srv/app", "production", {}, {"K=V"}};
    try {
        EcosystemApps apps = ecosystem_apps(doc, selection, fake_start_environment());
        for (const AppSpec& spec : apps.specs) (void)dump_json(json(spec));
        (void)ecosystem_app_names(doc, selection);
    } catch (const TendError&) {
    }
}

}  // namespace tend::fuzz
