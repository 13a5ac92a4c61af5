#!/usr/bin/env bash
# Runs every fuzz target of a TEND_FUZZ build, one after another, and fails
# if any finds a crash, a leak, a timeout or too much memory.
#   fuzz/run_all.sh BUILD_DIR SECONDS     each target for SECONDS (CI: 5)
#   fuzz/run_all.sh BUILD_DIR -runs=N     each target for N executions
# Each starts from its seed corpus, fuzz/corpus/<target>/, copied into a
# work directory (FUZZ_WORK, else a temporary one), so the tree is never
# written; inputs it finds stay there, and a crash input as crash-<hash>.
# Prints one line per target: executions, executions per second, result.
# FUZZ_TARGETS="a b" runs only those; FUZZ_FLAGS adds libFuzzer flags (say,
# -max_total_time=900 as a cap on a -runs=N run).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS|-runs=N" >&2
    exit 64
fi
build=$1
case $2 in
    -runs=*) limit=("$2") ;;
    *) limit=("-max_total_time=$2") ;;
esac
src=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${FUZZ_WORK:-}" ] || trap 'rm -rf "$work"' EXIT

stat_of() {  # log, name: a number from libFuzzer's -print_final_stats
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

failed=()
printf '%-22s %12s %9s  %s\n' target executions exec/s result
for seeds in "$src"/fuzz/corpus/*/; do
    name=$(basename "$seeds")
    [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $name "* ]] || continue
    binary="$build/fuzz/$name"
    [ -x "$binary" ] || { echo "no $binary: build with -DTEND_FUZZ=ON" >&2; exit 1; }
    corpus="$work/$name"
    mkdir -p "$corpus"
    cp -n "$seeds"* "$corpus"/ 2>/dev/null || true
    log="$work/$name.log"
    result=ok
    # -timeout: one input running 5 s is a hang; leaks are checked (ASan).
    # shellcheck disable=SC2086 # FUZZ_FLAGS is words
    if ! "$binary" "${limit[@]}" ${FUZZ_FLAGS:-} -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1; then
        result="FAILED (log: $log)"
        failed+=("$name")
    fi
    printf '%-22s %12s %9s  %s\n' "$name" "$(stat_of "$log" number_of_executed_units)" \
        "$(stat_of "$log" average_exec_per_sec)" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
    for name in "${failed[@]}"; do
        echo "== $name:"
        grep -E -A 30 '^==[0-9]+==ERROR|runtime error|deadly signal|Test unit written' \
            "$work/$name.log" | head -n 60 || tail -n 40 "$work/$name.log"
        for crash in "$work/$name"-*; do
            [ -f "$crash" ] && { echo "-- input $crash (base64):"; base64 "$crash" | head -n 20; }
        done
    done
    trap - EXIT
    echo "fuzzing failed: ${failed[*]} (inputs and logs kept in $work)" >&2
    exit 1
fi
