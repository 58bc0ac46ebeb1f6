#!/usr/bin/env bash
# The cold build of one small generated crate under each TLS backend (issue 10, point 5):
# `cargo build --release` in a fresh target folder, dependencies downloaded beforehand, for
# `rustls-aws-lc` (what reqwest's `rustls` feature gives, the default before), `rustls-ring`
# (the default now) and `native-tls`.
#
#   scripts/tls-cold-build.sh                                   # progenitor's keeper spec, 1 round
#   scripts/tls-cold-build.sh --rounds 2 tests/corpus/progenitor-buildomat.json
#   BACKENDS=rustls-aws-lc scripts/tls-cold-build.sh            # one backend only
#
# The crate is generated with `xtask generate` into target/tls-cold-build/crate (its own
# `[workspace]`, its `client-runtime` this checkout's, by path) and its lock file made and
# fetched once. Each build runs with `-j${JOBS:-2}` under `flock /tmp/measure.lock` (so timed
# runs on a shared machine take turns) and GNU time; the load average is printed before it.
# Reported per build: wall-clock time, user + system CPU time and their ratio (the cores the
# build had: well under the -j value means something else was running), peak resident set (GNU time's
# maximum, the largest single process: rustc or a C compiler), the crates cargo compiled (its
# `Compiling` lines) and the packages in the dependency graph of that feature set
# (`cargo tree -e normal,build`, the crate itself included). The target folders are removed after
# each build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=1
spec=tests/corpus/progenitor-keeper.json
while (($#)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) spec=$1; shift ;;
    esac
done
jobs=${JOBS:-2}
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time, Debian package \`time\`) is needed" >&2; exit 1; }

work=$root/target/tls-cold-build
crate=$work/crate
echo "==> cargo build --release -p xtask" >&2
cargo build --release -p xtask >&2
rm -rf "$crate"
"$root/target/release/xtask" generate --spec "$spec" --out "$crate" >&2
echo "==> cargo generate-lockfile && cargo fetch (not timed)" >&2
(cd "$crate" && cargo generate-lockfile -q && cargo fetch -q)
# A crate with a feature per tag keeps all of them (`full`) without its default features.
full=""
grep -q '^full = \[' "$crate/Cargo.toml" && full=",full"

flags_for() {
    case "$1" in
        rustls-ring) echo "" ;;  # the default
        *) echo "--no-default-features --features $1$full" ;;
    esac
}

printf '%s\n' "backend	round	wall_s	cpu_s	cores	peak_rss_mib	compiled	graph	load_before" >"$work/results.tsv"
for ((round = 1; round <= rounds; round++)); do
    for backend in ${BACKENDS:-rustls-aws-lc rustls-ring native-tls}; do
        # shellcheck disable=SC2046 # the flags are words
        graph=$(cd "$crate" && cargo tree -q -e normal,build --prefix none $(flags_for "$backend") | sed 's/ (\*)$//' | sort -u | wc -l)
        target=$work/target-$backend
        rm -rf "$target"
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        echo "==> round $round, $backend: $(uptime)" >&2
        # shellcheck disable=SC2046
        flock /tmp/measure.lock /usr/bin/time -v -o "$work/$backend.time" \
            cargo build --release -j"$jobs" --manifest-path "$crate/Cargo.toml" --target-dir "$target" \
            $(flags_for "$backend") 2>"$work/$backend.log"
        compiled=$(grep -c '^ *Compiling ' "$work/$backend.log")
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$work/$backend.time")
        cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$work/$backend.time")
        rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/$backend.time")
        # CPU time over wall-clock time: near the -j value unless something else had the cores.
        cores=$(awk -v c="$cpu" -v w="$wall" 'BEGIN { printf "%.2f", c / w }')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$round" "$wall" "$cpu" "$cores" "$rss" "$compiled" "$graph" "$load" >>"$work/results.tsv"
        rm -rf "$target"
    done
done
column -t -s $'\t' "$work/results.tsv"
echo "(also in $work/results.tsv; build logs and GNU time's reports beside it)" >&2
