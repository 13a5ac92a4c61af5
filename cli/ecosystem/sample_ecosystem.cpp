// The sample ecosystem file, in PM2's format so it also works with pm2.
#include "cli/ecosystem/sample_ecosystem.h"

namespace tend {
namespace {

constexpr std::string_view kSample =
    R"JS(// tend ecosystem file (PM2's format): `tend start ecosystem.config.js`.
// Paths are relative to this file's directory. Options left out keep their
// defaults; `tend start --help` describes each one.
module.exports = {
  apps: [
    {
      name: "api",
      script: "./server.js",          // relative to cwd (default: this directory)
      args: "--verbose",              // a string split on spaces, or an array
      instances: "max",               // a number, "max" (one per CPU) or -1 (one less)
      exec_mode: "cluster",           // instances share `port`
      port: 3000,                     // bound once by tend, handed to every instance
      wait_ready: true,               // online once process.send('ready') is called...
      listen_timeout: 5000,           // ...or after this many ms
      max_memory_restart: "300M",     // restart when memory stays above this
      kill_timeout: 5000,             // ms between the stop signal and SIGKILL
      env: {                          // always set
        NODE_ENV: "development",
      },
      env_production: {               // set by `tend start ecosystem.config.js --env production`
        NODE_ENV: "production",
      },
    },
    {
      name: "worker",
      script: "./worker.js",
      cwd: ".",
      instances: 1,
      autorestart: true,              // restart when it exits
      max_restarts: 10,               // unstable restarts in a row before "errored"
      min_uptime: 2000,               // an exit sooner than this (ms) is unstable
      restart_delay: 0,               // ms to wait before each restart
      exp_backoff_restart_delay: 100, // or: first delay, doubling up to 15 s
      stop_exit_codes: [0],           // exits with these codes are final
      out_file: "./worker-out.log",
      error_file: "./worker-err.log",
      merge_logs: true,               // one pair of files for every instance
      time: true,                     // timestamp every log line
    },
  ],
};
)JS";

}  // namespace

std::string_view sample_ecosystem() {
    return kSample;
}

}  // namespace tend
