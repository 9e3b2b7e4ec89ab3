#!/usr/bin/env bash
# What the side files cost a header check, side by side in one run (hyperfine): a full-size
# Gemma 4 E4B 4-bit checkpoint (sparse data) with the release's side files beside it, among
# them a real-size tokenizer.json (262,144 vocabulary pieces, 514,000 merges: ~33 MB, as
# Google's), against the same checkpoint without any side file. Prints the ratio and the
# peak RSS of both.
# Usage: bash bench/side_files_check.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe, side-files: {preset: gemma4-it, merges: 514000}}\n' > "$work/with.yaml"
printf 'gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe}\n' > "$work/without.yaml"
./build/ckptlint-fixture recipe "$work/with.yaml" "$work/with"
./build/ckptlint-fixture recipe "$work/without.yaml" "$work/without"
echo "side files: $(cd "$work/with" && ls | grep -v safetensors | tr '\n' ' ')"
echo "tokenizer.json: $(stat -c %s "$work/with/tokenizer.json") bytes"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/times.json" --export-markdown "$work/table.md" \
  -n "check E4B 4-bit, no side files" "build/ckptlint check $work/without --no-values --quiet" \
  -n "check E4B 4-bit + side files (33 MB tokenizer.json)" "build/ckptlint check $work/with --no-values --quiet" >/dev/null
cat "$work/table.md"
python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['results']
print('ratio (mean with / mean without): %.2fx' % (r[1]['mean'] / r[0]['mean']))
print('ratio (median with / median without): %.2fx' % (r[1]['median'] / r[0]['median']))" "$work/times.json"
for d in without with; do
  echo "peak RSS, $d side files: $(/usr/bin/time -f '%M' build/ckptlint check "$work/$d" --no-values --quiet 2>&1 >/dev/null | tail -1) KB"
done
