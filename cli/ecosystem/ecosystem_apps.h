// An ecosystem document's `apps` into the AppSpecs `tend start` sends, as
// PM2 reads them: typed checks that name the file and the key path, warnings
// for keys tend does not support, and the same resolution as `tend start`
// (cwd, script lookup, instances, environment). Pure: no disk, no daemon.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/ecosystem/dependency_order.h"
#include "cli/start_options.h"
#include "common/app_spec.h"

namespace tend {

// Which apps of a file, and how they are read.
struct EcosystemSelection {
    std::string file;                    // the file's name, as messages show it
    std::string dir;                     // the file's directory, absolute: the default cwd
    std::string env_name;                // `--env NAME`: env_NAME is laid over env
    std::vector<std::string> only;       // `--only a,b`: these apps; empty = all
    std::vector<std::string> env_pairs;  // `--env KEY=VAL`: over every app's env
};

struct EcosystemApps {
    std::vector<AppSpec> specs;         // in file order
    std::vector<std::string> warnings;  // "ecosystem.json: apps[0].watch is not supported, ignored"
};

// The specs of the selected apps. Throws TendError(kBadRequest) with
// "FILE: apps[1].instances must be an integer, 'max' or -1, not boolean"
// on the first bad value; nothing is to be started then.
EcosystemApps ecosystem_apps(const json& doc, const EcosystemSelection& selection,
                             const StartEnvironment& env);

// The names of the selected apps (name, or the script's stem), for
// `tend stop FILE`; reads nothing else, so it works for a moved script.
std::vector<std::string> ecosystem_app_names(const json& doc, const EcosystemSelection& selection);

// Each selected app's name and depends_on, in file order (checked, not
// resolved: a moved script does not stop `tend stop FILE`).
std::vector<AppDependencies> ecosystem_app_dependencies(const json& doc,
                                                        const EcosystemSelection& selection);

// PM2's `args: "--port 3000 --msg 'a b'"`: words split on spaces, quotes
// ('...' or "...") keep spaces, a backslash escapes the next character.
std::vector<std::string> split_command_words(std::string_view text);

// `--only a,b,c` into its names.
std::vector<std::string> split_only(std::string_view text);

// The selection for a file named path (relative to cwd) with `--only` and
// the `--env` values: one NAME (no '=') picks env_NAME, KEY=VAL pairs are
// kept. A second NAME throws UsageError.
EcosystemSelection make_selection(const std::string& path, const std::string& cwd,
                                  const std::string& only, const std::vector<std::string>& env);

}  // namespace tend
