#!/usr/bin/env bash
# What the side files cost a header check, in one run: a full-size Gemma 4 E4B 4-bit
# checkpoint (sparse data) with the release's side files beside it, among them a real-size
# tokenizer.json (262,144 vocabulary pieces, 514,000 merges: ~33 MB, as Google's), against the
# same checkpoint without any side file. The two are run alternately (a shared machine's load
# drifts; runs of one after runs of the other would measure the drift), and the ratio of the
# median wall times, the CPU time per run and the peak RSS of each are printed.
# Usage: bash bench/side_files_check.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-60}"
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe, side-files: {preset: gemma4-it, merges: 514000}}\n' > "$work/with.yaml"
printf 'gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe}\n' > "$work/without.yaml"
./build/ckptlint-fixture recipe "$work/with.yaml" "$work/with"
./build/ckptlint-fixture recipe "$work/without.yaml" "$work/without"
echo "side files: $(cd "$work/with" && ls | grep -v -e safetensors -e '^config.json$' | tr '\n' ' ')"
echo "tokenizer.json: $(stat -c %s "$work/with/tokenizer.json") bytes"
python3 - "$runs" "$work/without" "$work/with" <<'EOF'
import resource, statistics, subprocess, sys, time
runs, without, with_ = int(sys.argv[1]), sys.argv[2], sys.argv[3]
wall = {without: [], with_: []}
cpu = {without: [], with_: []}
for p in (without, with_):  # warm-up
    for _ in range(5):
        subprocess.run(["build/ckptlint", "check", p, "--no-values", "--quiet"], stdout=subprocess.DEVNULL)
for i in range(runs):
    for p in (without, with_) if i % 2 == 0 else (with_, without):
        r0, t = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(["build/ckptlint", "check", p, "--no-values", "--quiet"], stdout=subprocess.DEVNULL)
        wall[p].append((time.perf_counter() - t) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[p].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
print("| check, E4B 4-bit | median wall | min wall | CPU per run |")
print("|---|---|---|---|")
for p, name in ((without, "no side files"), (with_, "side files, 33 MB tokenizer.json")):
    print(f"| {name} | {statistics.median(wall[p]):.1f} ms | {min(wall[p]):.1f} ms | {statistics.mean(cpu[p]):.1f} ms |")
print(f"ratio (median wall with / without, {runs} alternating runs each): "
      f"{statistics.median(wall[with_]) / statistics.median(wall[without]):.2f}x; CPU: "
      f"{statistics.mean(cpu[with_]) / statistics.mean(cpu[without]):.2f}x")
EOF
for d in without with; do
  echo "peak RSS, $d side files: $(/usr/bin/time -f '%M' build/ckptlint check "$work/$d" --no-values --quiet 2>&1 >/dev/null | tail -1) KB"
done
