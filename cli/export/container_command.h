// What the Kubernetes and Compose exporters share: the command a container
// runs (the app under tend-runtime, or its own command line), and the name
// an app gets where names must be DNS labels.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/app_spec.h"

namespace tend {

// The longest DNS-1123 label (a Kubernetes object's name, a Compose service's).
inline constexpr std::size_t kMaxDnsLabel = 63;

// name as a DNS-1123 label that also starts with a letter (a Service's name
// must): lowercase, any other character '-', runs of '-' folded, no '-' at
// either end, 63 characters at most; "app-" before a leading digit, "app"
// for nothing left.
std::string dns_label(std::string_view name);

// Each app's dns_label, made unique: a second app whose name folds to a
// label already taken ("My_App" after "my-app") gets "-2", "-3"...
std::vector<std::string> dns_labels(const std::vector<AppSpec>& apps);

// The container's argv. Under tend-runtime (direct false), one instance of
// the app (the platform's replicas are the instances) with the restart
// policy, kill signal and timeout, shared port and restart schedule it has
// under tend:
//   tend-runtime SCRIPT --name NAME -i 1 [options that differ from tend's
//   defaults] [-- ARGS...]
// Direct: command_line(spec), the interpreter, its args, script and args.
std::vector<std::string> container_command(const AppSpec& spec, bool direct);

// What no platform has for spec, as comment lines: watch, log files,
// increment_var, and (direct) the instance index.
std::vector<std::string> platform_notes(const AppSpec& spec, bool direct);

// word in single quotes, as sh and split_command_words() read it ('\''
// for a single quote inside).
std::string single_quoted(const std::string& word);

// The pieces appended in place: GCC 12 at -O3 warns falsely on a literal
// plus a temporary std::string.
std::string text_of(std::initializer_list<std::string_view> pieces);

// Every '$' doubled: Compose interpolates ${VAR} in the whole file, and
// Kubernetes expands $(VAR) in command, args and env values; both read "$$"
// as one '$'.
std::string dollars_escaped(std::string_view text);

}  // namespace tend
