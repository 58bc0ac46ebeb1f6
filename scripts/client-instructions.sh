#!/usr/bin/env bash
# The client bench's callers counted in instructions instead of time: valgrind's callgrind runs
# the whole process (client, local server, runtime) for N and then 2N sequential requests of
# one caller, server on the same thread, and the difference divided by N is what one request
# costs, with the set-up cancelled out. Unlike the timed bench it does not move with the load of
# the machine, so a change of a few hundred instructions per request shows.
#
#   scripts/client-instructions.sh            # 2000 requests per step
#   scripts/client-instructions.sh 5000
#
# Needs valgrind (Debian/Ubuntu: `apt-get install valgrind`). Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}
command -v valgrind >/dev/null || { echo "needs valgrind (Debian/Ubuntu: apt-get install valgrind)" >&2; exit 1; }

bench=$(cargo bench -p workspace-benches --bench client --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[[ -x $bench ]] || { echo "could not build the client bench" >&2; exit 1; }

# Instructions the whole process executes for `$2` requests of caller `$1`.
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --rounds 1 --requests "$2" --only "$1" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

declare -A per_request
for caller in generated reqwest; do
    once=$(count "$caller" "$requests")
    twice=$(count "$caller" $((2 * requests)))
    per_request[$caller]=$(((twice - once) / requests))
    printf '%-10s %8d instructions per request\n' "$caller" "${per_request[$caller]}"
done
awk -v g="${per_request[generated]}" -v r="${per_request[reqwest]}" \
    'BEGIN { printf "generated over reqwest: %+.1f%% (%+d instructions per request)\n", 100 * (g / r - 1), g - r }'
