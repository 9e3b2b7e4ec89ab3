#!/usr/bin/env bash
# Header-only check speed, whole process, side by side in one run (hyperfine):
#   (a) a Python script that only reads config.json, the index and the shard headers with
#       json.loads (bench/read_headers.py; Debian's /usr/bin/python3), the baseline;
#   (b) ckptlint check --no-values with every built-in rule pack, on the same checkpoint.
# Checkpoints are full-size Gemma 4 E4B layouts (4-bit: 2,718 tensors in 3 shards; 8-bit:
# 4 shards) generated with sparse data sections, so they cost no disk.
# Usage: bash bench/header_check.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for q in 4 8; do
  printf 'gemma4: {preset: e4b, quant: affine-%s, recipe: ple-safe}\n' "$q" > "$work/e4b-$q.yaml"
  ./build/ckptlint-fixture recipe "$work/e4b-$q.yaml" "$work/e4b-$q"
done
echo "E4B 4-bit: $(ls "$work/e4b-4" | grep -c safetensors$) shards, $(./build/ckptlint layout "$work/e4b-4/config.json" --recipe ple-safe | tail -1)"
hyperfine -N --warmup 5 --runs "$runs" --export-markdown "$work/table.md" \
  -n "python3 json.loads (baseline)" "/usr/bin/python3 bench/read_headers.py $work/e4b-4" \
  -n "ckptlint check E4B 4-bit" "build/ckptlint check $work/e4b-4 --no-values --quiet" \
  -n "ckptlint check E4B 8-bit" "build/ckptlint check $work/e4b-8 --no-values --quiet"
cat "$work/table.md"
echo "peak RSS of ckptlint on E4B 4-bit: $(/usr/bin/time -f '%M' build/ckptlint check "$work/e4b-4" --no-values --quiet 2>&1 >/dev/null | tail -1) KB"
