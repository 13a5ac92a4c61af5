// The CLI's entry point: parse the command line, run the command, and turn
// every error into one `tend: error: ...` line and an exit code.
#pragma once

#include <string>
#include <vector>

namespace tend {

// Runs `tend` with argv; returns the exit code (0 ok, 1 failed, 2 bad usage).
int run(int argc, char** argv);

// run() over the words after the program name; what tests call.
int run_args(std::vector<std::string> args);

}  // namespace tend
