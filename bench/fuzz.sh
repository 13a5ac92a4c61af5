#!/usr/bin/env bash
# Fuzzes every target of fuzz/ for as long as asked, one target at a time on
# one core, building build-fuzz (clang-14, -DTEND_FUZZ=ON) first if needed.
#   bench/fuzz.sh                 60 s per target
#   bench/fuzz.sh 600             600 s per target
#   bench/fuzz.sh -runs=10000000  10 million executions per target
# The grown corpus is kept in build-fuzz/corpus-work (FUZZ_WORK to change),
# so a later run goes on from it; seeds stay as committed. A crash input
# lands there as <target>-crash-<hash>: fix it, and commit the input as
# fuzz/corpus/<target>/crash-<what>.
set -euo pipefail

cd "$(dirname "$0")/.."
src=$(pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTEND_FUZZ=ON -DTEND_BUILD_TESTS=OFF
fi
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target fuzz_targets
export FUZZ_WORK=${FUZZ_WORK:-$build/corpus-work}
exec "$src/fuzz/run_all.sh" "$build" "${1:-60}"
