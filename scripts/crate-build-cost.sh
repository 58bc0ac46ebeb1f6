#!/usr/bin/env bash
# Compile cost of a generated crate: crate-only `cargo check` and `cargo build --release` time
# and peak RSS, for each feature set asked for (issue 10, point 4).
#
#   scripts/crate-build-cost.sh tests/corpus/stripe-spec3.yaml balance customers full
#   scripts/crate-build-cost.sh tests/corpus/progenitor-nexus.json full
#   scripts/crate-build-cost.sh --release-only tests/wide/vapi-openapi.json full
#
# Each FEATURES argument is a comma-separated feature list built with --no-default-features
# (`full` is every tag's operations, the default; `none` builds with no tag at all; the
# default TLS feature is added to each). The
# crate is generated with `cargo xtask generate` (release build) into target/crate-cost/<name>,
# its dependencies are built once per profile untimed, and then for each feature set the
# crate's sources are touched and it is built again: the time and peak RSS of that build are
# the crate alone. Peak RSS is GNU time's %M, the largest process of the build (rustc on the
# crate). Lines of generated code are counted for reference. --release-only skips cargo check.
#
# Timed builds take a lock on /tmp/measure.lock so that two measurements on the machine do not
# overlap; the load average before each build is printed, since other work skews the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

check=true
if [[ ${1:-} == --release-only ]]; then
    check=false
    shift
fi
if (($# < 1)); then
    sed -n '2,18p' "$0"
    exit 2
fi
spec=$1
shift
feature_sets=("$@")
((${#feature_sets[@]})) || feature_sets=(full)
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time, Debian package \`time\`)" >&2; exit 1; }

stem=$(basename "$spec"); stem=${stem%.*}
name=$(printf '%s' "$stem" | tr -c 'a-zA-Z0-9\n' '-' | tr 'A-Z' 'a-z')
[[ $name =~ ^[a-z] ]] || name="api-$name"
work=$root/target/crate-cost
crate=$work/$name

echo "==> cargo build --release -p xtask" >&2
cargo build -q --release -p xtask >&2
xtask=${CARGO_TARGET_DIR:-$root/target}/release/xtask
# The generated crate gets a target folder of its own.
export CARGO_TARGET_DIR=$work/target
rm -rf "$crate"
"$xtask" generate --spec "$spec" --name "$name" --out "$crate" >&2
# The crate is built on its own, not as a member of this workspace.
grep -q '^\[workspace\]' "$crate/Cargo.toml" || printf '\n[workspace]\n' >>"$crate/Cargo.toml"
lines=$(cat "$crate"/src/*.rs | wc -l)
manifest=(--manifest-path "$crate/Cargo.toml")

# Without default features a crate still needs a TLS backend: the default one, when it has it.
tls=
grep -q '^rustls-ring = ' "$crate/Cargo.toml" && tls=rustls-ring
features_args() {
    case $1 in
        full) echo "" ;;
        none) echo "--no-default-features${tls:+ --features $tls}" ;;
        *) echo "--no-default-features --features ${tls:+$tls,}$1" ;;
    esac
}

profiles=(release)
$check && profiles=(check release)
echo "==> dependencies (untimed)" >&2
for profile in "${profiles[@]}"; do
    if [[ $profile == check ]]; then
        # shellcheck disable=SC2046
        cargo check -q "${manifest[@]}" $(features_args none) >&2
    else
        # shellcheck disable=SC2046
        cargo build -q --release "${manifest[@]}" $(features_args none) >&2
    fi
done

printf '%s\n' "$spec: $name, $lines lines generated, xtask at $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-28s %-8s %10s %12s  %s\n' FEATURES PROFILE SECONDS PEAK_RSS LOAD
for features in "${feature_sets[@]}"; do
    for profile in "${profiles[@]}"; do
        # shellcheck disable=SC2046
        args=($(features_args "$features"))
        if [[ $profile == check ]]; then cmd=(cargo check -q "${manifest[@]}" "${args[@]}"); else cmd=(cargo build -q --release "${manifest[@]}" "${args[@]}"); fi
        # Dependencies first, untimed, in case the feature set changes them.
        "${cmd[@]}" >&2
        touch "$crate/src/lib.rs"
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        flock /tmp/measure.lock /usr/bin/time -f '%e %M' -o "$work/time" "${cmd[@]}" >&2
        read -r secs kib <"$work/time"
        printf '%-28s %-8s %10s %9.0f MiB  %s\n' "$features" "$profile" "$secs" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$load"
    done
done
