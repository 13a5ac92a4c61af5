#!/usr/bin/env bash
# The chaos soak of issue 10: kill -9 of tendd every 10 s for 10 minutes
# while 10 loud apps and a cluster app (-i 4, under a closed-loop HTTP client)
# run; at the end, lines lost or torn, failed requests, duplicated or
# forgotten apps, and tendd's fds and RSS after each take-over. The work is
# done by bench/chaos.py (shared code with bench/survival.py).
#
#   bench/chaos.sh                  # 10 minutes, ./build
#   bench/chaos.sh --minutes 60     # longer
#   bench/chaos.sh --interval 5     # a kill every 5 s
#   TEND_BUILD=build-bench bench/chaos.sh
#
# Not a test; never run by ctest; --minutes plus ~20 s. It runs a private daemon in a temporary
# TEND_HOME and stops everything it started, however it ends.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

minutes=10
interval=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) minutes=${2:?--minutes needs a value}; shift 2 ;;
        --minutes=*) minutes=${1#*=}; shift ;;
        --interval) interval=${2:?--interval needs a value}; shift 2 ;;
        --interval=*) interval=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "chaos.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
for v in "$minutes" "$interval"; do
    if ! [[ $v =~ ^[0-9]+([.][0-9]+)?$ ]]; then
        echo "chaos.sh: '$v' is not a number" >&2
        exit 2
    fi
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# exec: Ctrl-C and SIGTERM reach the Python helper, which cleans up.
exec /usr/bin/python3 "$here/chaos.py" --minutes "$minutes" --interval "$interval"
