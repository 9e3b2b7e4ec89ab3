#!/usr/bin/env bash
# Structural diff speed (`ckptlint diff BASE FUSED --no-values`), whole process, side by side
# in one run (hyperfine):
#   (a) bench/read_headers.py on both directories: json.loads of both configs, the index and
#       every shard header (Debian's /usr/bin/python3), the baseline;
#   (b) ckptlint diff on the same pair, every rule pack (the fused side is also checked).
# BASE is a full-size Gemma 4 E4B 8-bit MLX conversion (4 shards), FUSED the hand-fused demo
# (q_proj/v_proj of layers 0-28 dequantized, one file, no index); data sections are sparse.
# Usage: bash bench/diff_bench.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-40}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'gemma4: {preset: e4b, quant: affine-8, recipe: ple-safe}\n' > "$work/base.yaml"
./build/ckptlint-fixture recipe "$work/base.yaml" "$work/base"
./build/ckptlint-fixture recipe fixtures/demo/hand-fused-e4b.yaml "$work/fused"
hyperfine -N --warmup 5 --runs "$runs" --export-markdown "$work/table.md" \
  -n "python3 json.loads of both (baseline)" "/usr/bin/python3 bench/read_headers.py $work/base $work/fused" \
  -n "ckptlint diff --no-values" "build/ckptlint diff $work/base $work/fused --no-values --quiet --exit-zero"
cat "$work/table.md"
echo "peak RSS of ckptlint diff: $(/usr/bin/time -f '%M' build/ckptlint diff "$work/base" "$work/fused" --no-values --quiet --exit-zero 2>&1 >/dev/null | tail -1) KB"
