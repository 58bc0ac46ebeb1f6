#!/usr/bin/env bash
# The token broker's page in a real browser: headless Chromium loads it, the page asks the
# broker for a token the way a browser app would, and the rendered page must show the minted
# token's provider and expiry (issue 14). Not part of `cargo test`: it needs Chromium.
#
#   scripts/browser-check.sh
#
# Installs Debian's `chromium` package when /usr/bin/chromium is missing (needs root or sudo).
# Runs the broker against the local stand-in vendors (`--example fake_vendors`), so no key or
# network is needed, on free ports of 127.0.0.1; both are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $browser ]]; then
    echo "installing Chromium (Debian package chromium)" >&2
    sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

cargo build -q -p token-broker --bin token-broker --example fake_vendors
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The address a server's log says it listens on (`listening on http://ADDR`), once it does.
address_in() {
    local log=$1
    for _ in $(seq 100); do
        if grep -q "listening on http://" "$log"; then
            grep -o "listening on http://[0-9.:]*" "$log" | head -1 | sed 's|listening on http://||'
            return
        fi
        sleep 0.1
    done
    echo "a server did not start:" >&2
    cat "$log" >&2
    exit 1
}

target/debug/examples/fake_vendors 127.0.0.1:0 >/dev/null 2>"$work/vendors.log" &
pids+=($!)
vendors=$(address_in "$work/vendors.log")
export RUST_LOG=info NO_COLOR=1
DECART_API_KEY=fake-decart-key DECART_BASE_URL=http://$vendors \
ASSEMBLYAI_API_KEY=fake-assemblyai-key ASSEMBLYAI_BASE_URL=http://$vendors \
VIDEODB_API_KEY=fake-videodb-key VIDEODB_BASE_URL=http://$vendors \
    target/debug/token-broker --addr 127.0.0.1:0 >/dev/null 2>"$work/broker.log" &
pids+=($!)
broker=$(address_in "$work/broker.log")
echo "broker on http://$broker, stand-in vendors on http://$vendors"

failed=0
for provider in decart assemblyai videodb; do
    dom=$("$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile-$provider" \
        --virtual-time-budget=10000 --dump-dom "http://$broker/?provider=$provider" 2>"$work/chromium-$provider.log")
    expiry=$(grep -o 'data-expires-at="[^"]*"' <<<"$dom" | head -1 | sed 's/data-expires-at="//; s/"$//')
    shown=$(grep -o "Minted a token from [^<]*" <<<"$dom" | head -1)
    minted_by=$(grep -o 'data-provider="[^"]*"' <<<"$dom" | head -1)
    if [[ $minted_by == "data-provider=\"$provider\"" && $expiry =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T.*Z$ &&
        $shown == *"expires at $expiry"* ]]; then
        echo "ok: $provider: the page shows \"$shown\""
    else
        echo "FAILED: $provider: the page does not show a minted token's expiry" >&2
        grep -o '<div id="result"[^>]*>[^<]*' <<<"$dom" >&2 || echo "$dom" | tail -20 >&2
        failed=1
    fi
done
if grep -q -e fake-decart-key -e fake-assemblyai-key -e fake-videodb-key -e -fake- "$work/broker.log"; then
    echo "FAILED: the broker's log holds a key or a token" >&2
    failed=1
fi
exit $failed
