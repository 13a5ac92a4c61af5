// Small apps whose whole export the exact-string tests compare.
#pragma once

#include "common/app_spec.h"

namespace tend::test {

// A Node web app: 2 instances sharing --port 8080, an HTTP readiness probe,
// env (and a shell environment that must not be exported).
AppSpec sample_web_app();
// "Nightly Backup": a one-shot binary run at 02:15, stopped with SIGTERM.
AppSpec sample_backup_app();
// A Python worker: a memory limit, stop exit code 0, depends on web and on
// an app not exported.
AppSpec sample_worker_app();

}  // namespace tend::test
