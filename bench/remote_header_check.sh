#!/usr/bin/env bash
# Remote header checks on loopback, side by side with the local check of the same files
# (hyperfine, one run): full-size Gemma 4 E2B and E4B (4-bit, sparse data) published on the
# stand-in Hub (tests/remote/hub_server.py: Hub API, resolve route, 302 to a CDN host, range
# requests). Reports, per model: requests and bytes of the remote check (from --verbose),
# and the wall time of `check hf://… --no-values` against `check DIR --no-values`.
# Usage: bash bench/remote_header_check.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
mkfifo "$work/hold"
cleanup() { exec 3>&- 2>/dev/null || true; kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/hub/org"
python3 tests/remote/hub_server.py "$work/hub" < "$work/hold" > "$work/urls" &
server=$!
exec 3>"$work/hold"  # the server runs while this stays open
for _ in $(seq 50); do [ "$(wc -l < "$work/urls")" -ge 2 ] && break; sleep 0.1; done
export HF_ENDPOINT="$(sed -n 's/^HUB //p' "$work/urls")"
echo "| model | shards | header JSON | requests | bytes read | local (ms) | remote (ms) | remote / local |"
echo "|---|---|---|---|---|---|---|---|"
for preset in e2b e4b; do
  printf 'gemma4: {preset: %s, quant: affine-4, recipe: ple-safe}\n' "$preset" > "$work/$preset.yaml"
  ./build/ckptlint-fixture recipe "$work/$preset.yaml" "$work/hub/org/$preset" >/dev/null
  shards=$(ls "$work/hub/org/$preset" | grep -c 'safetensors$')
  json=$(python3 -c "import struct,glob,sys; print(sum(struct.unpack('<Q', open(f,'rb').read(8))[0] for f in glob.glob(sys.argv[1]+'/*.safetensors')))" "$work/hub/org/$preset")
  line=$(build/ckptlint check "hf://org/$preset" --no-values --quiet --verbose 2>&1 >/dev/null | sed -n 's/.*remote [^ ]*: \([0-9]*\) requests, \([0-9]*\) bytes.*/\1 \2/p')
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/$preset.json" \
    "build/ckptlint check $work/hub/org/$preset --no-values --quiet" \
    "build/ckptlint check hf://org/$preset --no-values --quiet" >/dev/null 2>&1 || true
  python3 - "$work/$preset.json" "$preset" "$shards" "$json" $line <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
local, remote = (x["median"] * 1000 for x in r)
print(f"| {sys.argv[2].upper()} 4-bit | {sys.argv[3]} | {int(sys.argv[4]):,} B | {sys.argv[5]} | {int(sys.argv[6]):,} B | {local:.1f} | {remote:.1f} | {remote / local:.2f}× |")
PY
done
