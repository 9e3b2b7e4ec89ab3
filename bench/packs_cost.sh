#!/usr/bin/env bash
# What the family packs cost a Gemma 4 check: the full-size E4B header check (4-bit, as
# bench/header_check.sh) with every built-in pack, against the same build with the packs of
# the other families and schemes left out (the Gemma 4, Llama, MLX and generic packs only, as
# before they were added). Both binaries are the same code; only the embedded packs differ
# (the second is linked here from build/'s objects with its own embedded rules). Side by side
# in one run (hyperfine), with callgrind's instruction counts when valgrind exists.
# Usage: bash bench/packs_cost.sh [RUNS]   (after .ci/setup has built ckptlint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-60}"
command -v hyperfine >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq hyperfine >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The packs the other families and schemes brought (issue 30): their layout models and rules,
# the shared blocks they are written from, the non-MLX schemes and the config <-> weights
# census rules every family gets (but tied-embeddings-lm-head-stored, which a side-file rule
# explains).
cp -r rules "$work/rules"
( cd "$work/rules"
  rm -rf qwen phi3 gemma3 gemma3n lfm2 molmo laguna blocks
  find quantization -name '*.yaml' ! -name mlx.scheme.yaml -delete
  rm -f gemma4/gemma4_unified.layout.yaml gemma4/gemma4_assistant.layout.yaml gemma4/gemma4-unified-full-head-size-unknown.yaml
  rm -f llama/mistral3-tied-head-not-stored.yaml
  rm -f config/audio-*.yaml config/vision-*.yaml config/experts-count-mismatch.yaml config/mtp-*.yaml \
        config/untied-lm-head-missing.yaml )
./build/ckptlint-embed-rules "$work/rules" "$work/embedded_rules.cpp" fixtures
c++ -O3 -DNDEBUG -std=c++20 -c "$work/embedded_rules.cpp" -o "$work/embedded_rules.o"
cp build/lint/libckptlint_cli.a "$work/cli.a"
member="$(ar t "$work/cli.a" | grep '^embedded_rules')"
ar d "$work/cli.a" "$member"
ar q "$work/cli.a" "$work/embedded_rules.o"
c++ -O3 -static-libstdc++ -static-libgcc build/lint/CMakeFiles/ckptlint.dir/main.cpp.o -o "$work/ckptlint-without" \
  "$work/cli.a" build/lint/libckptlint_core.a /usr/lib/x86_64-linux-gnu/libyaml-cpp.a build/libckptlint_fmt.a -ldl
echo "packs: with all $(./build/ckptlint rules | grep -c '^[a-z]') rules, without the families' $(\"$work/ckptlint-without\" rules | grep -c '^[a-z]')" 2>/dev/null || true

printf 'gemma4: {preset: e4b, quant: affine-4, recipe: ple-safe}\n' > "$work/e4b-4.yaml"
./build/ckptlint-fixture recipe "$work/e4b-4.yaml" "$work/e4b-4" >/dev/null
# Both must find the same (a check that differs is no baseline).
diff <(./build/ckptlint check "$work/e4b-4" --no-values --format json | python3 -c 'import json,sys; print(sorted(f["rule_id"] for f in json.load(sys.stdin)["findings"]))') \
     <("$work/ckptlint-without" check "$work/e4b-4" --no-values --format json | python3 -c 'import json,sys; print(sorted(f["rule_id"] for f in json.load(sys.stdin)["findings"]))') \
  || { echo "the two builds find different things on E4B"; exit 1; }
hyperfine -N --warmup 5 --runs "$runs" --export-markdown "$work/table.md" \
  -n "E4B check, without the family packs (baseline)" "$work/ckptlint-without check $work/e4b-4 --no-values --quiet" \
  -n "E4B check, every pack" "build/ckptlint check $work/e4b-4 --no-values --quiet" --export-json "$work/times.json"
cat "$work/table.md"
# Medians and the ratio of medians: a shared machine's stragglers move the means.
python3 - "$work/times.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
m = [statistics.median(x["times"]) * 1000 for x in r]
print(f"medians: {m[0]:.2f} ms without the family packs, {m[1]:.2f} ms with every pack: {m[1] / m[0]:.3f}x")
PY
if command -v valgrind >/dev/null; then
  for b in "$work/ckptlint-without" build/ckptlint; do
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$b" check "$work/e4b-4" --no-values --quiet 2>&1 >/dev/null |
      sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | xargs printf "instructions (callgrind), $(basename "$b"): %s\n"
  done
fi
