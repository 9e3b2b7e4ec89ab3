#!/usr/bin/env bash
# Changed-value comparison speed (`ckptlint diff BASE FUSED --full`), whole process, warm page
# cache, side by side in one run (hyperfine):
#   (a) cat BASE FUSED > /dev/null: reading both files once, the baseline;
#   (b) ckptlint diff of two identical files (every byte of both read and compared);
#   (c) ckptlint diff where only the last byte differs (every byte read before the change is
#       found: the worst case for a changed tensor).
# BASE is a dense pseudo-random BF16 file of SIZE bytes (default 2 GB); plus the peak RSS of (c).
# Usage: bash bench/diff_values.sh [SIZE] [RUNS]   (needs 3 × SIZE of free disk and RAM)
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-2000000000}"
runs="${2:-7}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"/{base,same,changed}
trap 'rm -rf "$work"' EXIT
build/ckptlint-fixture dense "$work/base/model.safetensors" "$size"
cp "$work/base/model.safetensors" "$work/same/"
cp "$work/base/model.safetensors" "$work/changed/"
file="$work/changed/model.safetensors"
last=$(( $(stat -c %s "$file") - 1 ))
# Flip the last byte of the data (the file ends with the tensor's data).
old=$(od -An -tu1 -j "$last" -N1 "$file" | tr -d ' ')
printf "\\$(printf '%03o' $(( (old + 1) % 256 )))" | dd of="$file" bs=1 seek="$last" conv=notrunc status=none
build/ckptlint diff "$work/base" "$work/changed" --full --format json --exit-zero | grep -q '"rule": "diff-tensors-changed"' ||
  { echo "the changed byte was not found" >&2; exit 1; }
hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$work/table.md" \
  -n "cat BASE FUSED (baseline)" "cat $work/base/model.safetensors $work/changed/model.safetensors" \
  -n "ckptlint diff --full, identical" "build/ckptlint diff $work/base $work/same --full --quiet --exit-zero" \
  -n "ckptlint diff --full, last byte changed" "build/ckptlint diff $work/base $work/changed --full --quiet --exit-zero"
cat "$work/table.md"
echo "peak RSS of ckptlint diff --full: $(/usr/bin/time -f '%M' build/ckptlint diff "$work/base" "$work/changed" --full --quiet --exit-zero 2>&1 >/dev/null | tail -1) KB"
