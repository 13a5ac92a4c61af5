// Watch mode's ignore rules: globs on relative paths, the default ignores,
// and tend's own files (logs, their archives, TEND_HOME).
#include <doctest/doctest.h>

#include "daemon/watch/watch_filter.h"

using namespace tend;

TEST_CASE("glob paths: one component per '*', any number for '**'") {
    CHECK(glob_matches_path("src/*.js", "src/app.js"));
    CHECK_FALSE(glob_matches_path("src/*.js", "src/lib/app.js"));
    CHECK(glob_matches_path("src/**/*.js", "src/app.js"));
    CHECK(glob_matches_path("src/**/*.js", "src/lib/deep/app.js"));
    CHECK(glob_matches_path("**/*.map", "a/b/c.map"));
    CHECK(glob_matches_path("./dist", "dist"));
    CHECK_FALSE(glob_matches_path("dist", "dist/x"));
    CHECK(glob_matches_path("file[0-9].txt", "file7.txt"));
}

TEST_CASE("node_modules and .git are ignored anywhere, with what they hold") {
    WatchFilter f({}, {}, {});
    CHECK(f.ignored("/srv/app", "node_modules"));
    CHECK(f.ignored("/srv/app", "node_modules/express/index.js"));
    CHECK(f.ignored("/srv/app", "packages/web/node_modules/x.js"));
    CHECK(f.ignored("/srv/app", ".git/index"));
    CHECK_FALSE(f.ignored("/srv/app", "src/app.js"));
    CHECK_FALSE(f.ignored("/srv/app", ""));  // the root itself
}

TEST_CASE("ignore_watch: a name matches any component, a path from the root") {
    WatchFilter f({"*.log", "tmp", "src/gen", "/srv/app/cache"}, {}, {});
    CHECK(f.ignored("/srv/app", "debug.log"));
    CHECK(f.ignored("/srv/app", "a/b/debug.log"));
    CHECK(f.ignored("/srv/app", "tmp/upload.bin"));
    CHECK(f.ignored("/srv/app", "x/tmp"));
    CHECK(f.ignored("/srv/app", "src/gen/parser.js"));
    CHECK_FALSE(f.ignored("/srv/app", "lib/src/gen/parser.js"));  // from the root only
    CHECK(f.ignored("/srv/app", "cache/k"));                      // absolute
    CHECK_FALSE(f.ignored("/srv/app", "src/app.js"));
}

TEST_CASE("the app's log files and their archives never trigger a change") {
    WatchFilter f({}, {"/srv/app/logs/out.log", "/srv/app/err.txt"}, {});
    CHECK(f.ignored("/srv/app", "logs/out.log"));
    CHECK(f.ignored("/srv/app", "logs/out__2026-11-30_04-31-07.log"));
    CHECK(f.ignored("/srv/app", "logs/out__2026-11-30_04-31-07-1.log.gz.tmp"));
    CHECK(f.ignored("/srv/app", "err.txt"));
    CHECK_FALSE(f.ignored("/srv/app", "logs/other.log"));
    CHECK_FALSE(f.ignored("/srv/app", "logs/outer.log"));
}

TEST_CASE("TEND_HOME is ignored where it lies under a watched root, not when it holds the root") {
    WatchFilter f({}, {}, {"/home/u/.tend"});
    CHECK(f.ignored("/home/u", ".tend/tendd.log"));
    CHECK(f.ignored("/home/u", ".tend"));
    CHECK_FALSE(f.ignored("/home/u", ".tendency"));
    CHECK_FALSE(f.ignored("/home/u/.tend/site", "index.html"));
}
