#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) and runs each for SECONDS.
# Crashing, leaking or too slow inputs are saved to tests/fuzz/regressions/<target>/, where
# the normal test suite replays them. Prints each target's final statistics.
# Usage: tests/fuzz/run.sh SECONDS [TARGET...]    (targets: adapter config expr header index listing rules)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(adapter config expr header index listing rules)
build="${FUZZ_BUILD_DIR:-build-fuzz}"
if [ ! -x "$build/header_fuzzer" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCKPTLINT_FUZZ=ON \
    -DCKPTLINT_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j "$(getconf _NPROCESSORS_ONLN)" >/dev/null
[ -d "$build/seeds" ] || bash tests/fuzz/make_corpus.sh "$build" "$build/seeds"
# One target per core at a time: the same fuzzing time each, in less wall time.
run_one() {
  local t="$1" log="$build/fuzz-$1.log"
  mkdir -p "$build/corpus/$t" "tests/fuzz/regressions/$t"
  if ! "$build/${t}_fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="tests/fuzz/regressions/$t/" "$build/corpus/$t" "$build/seeds/$t" >"$log" 2>&1; then
    { echo "$t: FAILED (see $log)"; grep -E "ERROR|SUMMARY" "$log" | head -5; } > "$build/fuzz-$t.result"
    return 1
  fi
  local runs rate corpus
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  corpus=$(ls "$build/corpus/$t" | wc -l)
  echo "$t: ${seconds}s, $runs runs, $rate exec/s, corpus $corpus inputs, no crash, leak or sanitizer report" > "$build/fuzz-$t.result"
}
status=0
parallel="$(getconf _NPROCESSORS_ONLN)"
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  if [ ${#pids[@]} -ge "$parallel" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for t in "${targets[@]}"; do cat "$build/fuzz-$t.result"; done
exit $status
