#!/usr/bin/env bash
# Side by side with progenitor: times `cargo progenitor` and our `xtask generate` on the same
# specs in one run, alternating the two, and prints the ratio for each spec both accept.
#
#   scripts/compare-progenitor.sh                        # every spec in tests/corpus, 5 rounds
#   scripts/compare-progenitor.sh --rounds 9 tests/corpus/progenitor-nexus.json
#   scripts/compare-progenitor.sh --build tests/corpus/progenitor-nexus.json
#
# cargo-progenitor is installed from crates.io into target/progenitor (once; PROGENITOR_VERSION
# picks the version, 0.15.1 by default), and our generator is built with
# `cargo build --release -p xtask`. Per spec: one untimed run of each to see whether it accepts
# the spec (a refusal is reported with its first error line), then --rounds timed runs of each,
# which goes first alternating every round, each into a fresh folder. The figures are medians of
# wall-clock time (process start to exit, files written) and of peak resident set (GNU time's
# %M, when /usr/bin/time exists; the largest process of the run's tree), and of CPU time (user +
# system, the process and its children, such as the rustfmt progenitor runs; in 10 ms steps, so
# only meaningful for the larger specs). Ratio = progenitor / ours, by wall-clock time; CPU_RATIO
# the same by CPU time (less disturbed by other work on the machine).
#
# --build also compiles both generated crates of every spec both accept, each in a fresh target
# folder under target/compare-progenitor: `cargo build --release` cold (dependencies included,
# downloads done beforehand), then again after touching the crate's sources (the crate alone).
# That takes minutes per spec on a small machine. The target folders are removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=5
build=false
specs=()
while (($#)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --build) build=true; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) specs+=("$1"); shift ;;
    esac
done
if ((${#specs[@]} == 0)); then
    for spec in tests/corpus/*.yaml tests/corpus/*.yml tests/corpus/*.json; do
        [[ -e $spec ]] && specs+=("$spec")
    done
fi

version=${PROGENITOR_VERSION:-0.15.1}
progenitor=$root/target/progenitor/bin/cargo-progenitor
if ! cargo install --list --root target/progenitor 2>/dev/null | grep -qx "cargo-progenitor v$version:"; then
    echo "==> installing cargo-progenitor $version into target/progenitor" >&2
    cargo install --root target/progenitor cargo-progenitor --version "$version" --locked >&2
fi
echo "==> cargo build --release -p xtask" >&2
cargo build --release -p xtask >&2
ours=$root/target/release/xtask

work=$root/target/compare-progenitor
mkdir -p "$work"
log=$work/run.log
rss_file=$work/rss

have_time=false
[[ -x /usr/bin/time ]] && have_time=true

# run OUT CMD...: runs CMD (a program, not a shell function) after removing OUT; sets ms (wall
# clock), kib (peak RSS), cpu (user + system ms, 10 ms steps, of the process tree) and rc.
run() {
    local out=$1
    shift
    rm -rf "$out"
    local start end
    start=$EPOCHREALTIME
    if $have_time; then
        /usr/bin/time -f '%M %U %S' -o "$rss_file" "$@" >"$log" 2>&1 && rc=0 || rc=$?
    else
        "$@" >"$log" 2>&1 && rc=0 || rc=$?
    fi
    end=$EPOCHREALTIME
    ms=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
    kib=-
    cpu=-
    if $have_time && [[ -s $rss_file ]]; then
        read -r kib user sys < <(tail -n 1 "$rss_file")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", (u + s) * 1000 }')
    fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
first_error() { grep -m1 -iE 'error|panick|refus|unsupported|invalid' "$log" | cut -c1-110 || head -n1 "$log" | cut -c1-110; }

# Both generate a crate named NAME from SPEC into OUT.
ours_run() { run "$3" "$ours" generate --spec "$1" --name "$2" --out "$3"; }
theirs_run() { run "$3" "$progenitor" progenitor -i "$1" -n "$2" -o "$3" -v 0.1.0; }

printf '%s\n' "progenitor $version against xtask generate ($(git rev-parse --short HEAD)), $rounds rounds, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-45s %9s %10s %10s %7s %10s %10s %9s %9s %9s  %s\n' SPEC SIZE OURS PROGENITOR RATIO OURS_RSS PROG_RSS OURS_CPU PROG_CPU CPU_RATIO NOTE
accepted=()
min_ratio=
for spec in "${specs[@]}"; do
    stem=$(basename "$spec"); stem=${stem%.*}
    name=$(printf '%s' "$stem" | tr -c 'a-zA-Z0-9\n' '-' | tr 'A-Z' 'a-z')
    [[ $name =~ ^[a-z] ]] || name="api-$name"
    size=$(wc -c <"$spec" | awk '{ printf "%.0f KB", $1 / 1000 }')
    out_ours=$work/ours-$name
    out_theirs=$work/progenitor-$name
    ours_run "$spec" "$name" "$out_ours"
    ours_ok=$rc; ours_err=$( ((rc)) && first_error || true)
    theirs_run "$spec" "$name" "$out_theirs"
    theirs_ok=$rc; theirs_err=$( ((rc)) && first_error || true)
    if ((ours_ok != 0 || theirs_ok != 0)); then
        note=""
        ((ours_ok != 0)) && note+="ours refused: $ours_err "
        ((theirs_ok != 0)) && note+="progenitor refused: $theirs_err"
        printf '%-45s %9s %10s %10s %7s %10s %10s %9s %9s %9s  %s\n' "$spec" "$size" - - - - - - - - "$note"
        continue
    fi
    ours_ms=(); theirs_ms=(); ours_kib=(); theirs_kib=(); ours_cpu=(); theirs_cpu=()
    for ((round = 0; round < rounds; round++)); do
        for turn in 0 1; do
            if (((round + turn) % 2 == 0)); then
                ours_run "$spec" "$name" "$out_ours"
                ((rc == 0)) || { echo "ours failed on $spec in round $round" >&2; exit 1; }
                ours_ms+=("$ms"); ours_kib+=("$kib"); ours_cpu+=("$cpu")
            else
                theirs_run "$spec" "$name" "$out_theirs"
                ((rc == 0)) || { echo "progenitor failed on $spec in round $round" >&2; exit 1; }
                theirs_ms+=("$ms"); theirs_kib+=("$kib"); theirs_cpu+=("$cpu")
            fi
        done
    done
    o=$(printf '%s\n' "${ours_ms[@]}" | median)
    t=$(printf '%s\n' "${theirs_ms[@]}" | median)
    ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.1f", t / o }')
    mem() { if [[ $1 == - ]]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; fi; }
    orss=$(mem "$(printf '%s\n' "${ours_kib[@]}" | median)")
    trss=$(mem "$(printf '%s\n' "${theirs_kib[@]}" | median)")
    oc=-; tc=-; cpu_ratio=-
    if $have_time; then
        oc=$(printf '%s\n' "${ours_cpu[@]}" | median)
        tc=$(printf '%s\n' "${theirs_cpu[@]}" | median)
        cpu_ratio=$(awk -v o="$oc" -v t="$tc" 'BEGIN { if (o >= 50) printf "%.1fx", t / o; else print "-" }')
        oc="$oc ms"; tc="$tc ms"
    fi
    printf '%-45s %9s %8s ms %8s ms %6sx %10s %10s %9s %9s %9s\n' "$spec" "$size" "$o" "$t" "$ratio" "$orss" "$trss" "$oc" "$tc" "$cpu_ratio"
    accepted+=("$spec")
    if [[ -z $min_ratio ]] || awk -v r="$ratio" -v m="$min_ratio" 'BEGIN { exit !(r < m) }'; then min_ratio=$ratio; fi
done
echo
if ((${#accepted[@]})); then
    verdict=$(awk -v m="$min_ratio" 'BEGIN { print (m >= 5 ? "met" : "NOT met") }')
    echo "both accept ${#accepted[@]} spec(s); the smallest ratio is ${min_ratio}x; target >= 5x on every one: $verdict"
else
    echo "no spec is accepted by both"
fi

if $build && ((${#accepted[@]})); then
    echo
    echo "Cold cargo build --release of both generated crates (fresh target folder; then the crate alone after touching its sources)"
    printf '%-45s %-11s %12s %12s %12s %10s\n' SPEC GENERATOR COLD CRATE_ONLY CRATE_RSS CRATES
    for spec in "${accepted[@]}"; do
        stem=$(basename "$spec"); stem=${stem%.*}
        name=$(printf '%s' "$stem" | tr -c 'a-zA-Z0-9\n' '-' | tr 'A-Z' 'a-z')
        [[ $name =~ ^[a-z] ]] || name="api-$name"
        for tool in ours progenitor; do
            dir=$work/$tool-$name
            target_dir=$work/build-$tool
            rm -rf "$target_dir"
            # progenitor's crate has no [workspace] table, and target/ is inside this workspace:
            # without one, cargo would take it for a member of ours.
            grep -q '^\[workspace\]' "$dir/Cargo.toml" || printf '\n[workspace]\n' >>"$dir/Cargo.toml"
            # Downloads are not build time.
            if ! cargo fetch --manifest-path "$dir/Cargo.toml" >"$log" 2>&1; then
                echo "cannot fetch the dependencies of $tool's crate for $spec:" >&2; tail -n 5 "$log" >&2; continue
            fi
            run "$work/unused" env CARGO_TARGET_DIR="$target_dir" cargo build --release --offline --manifest-path "$dir/Cargo.toml"
            ((rc == 0)) || { echo "$tool's crate for $spec does not build:" >&2; tail -n 20 "$log" >&2; continue; }
            cold=$ms
            crates=$(grep -c '^ *Compiling ' "$log" || true)
            find "$dir/src" -name '*.rs' -exec touch {} +
            run "$work/unused" env CARGO_TARGET_DIR="$target_dir" cargo build --release --offline --manifest-path "$dir/Cargo.toml"
            only=$ms
            rss=$(if [[ $kib == - ]]; then echo -; else awk -v k="$kib" 'BEGIN { printf "%.0f MiB", k / 1024 }'; fi)
            printf '%-45s %-11s %10.1f s %10.1f s %12s %10s\n' "$spec" "$tool" "$(awk -v m="$cold" 'BEGIN { print m / 1000 }')" \
                "$(awk -v m="$only" 'BEGIN { print m / 1000 }')" "$rss" "$crates"
            rm -rf "$target_dir"
        done
    done
fi
