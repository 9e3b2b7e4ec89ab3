#!/usr/bin/env bash
# Value-scan throughput on 2 cores, in one run, warm page cache:
#   (a) dd if=SHARD of=/dev/null bs=16M over the same files (the page-cache read ceiling)
#   (b) a NumPy bit-mask scan (bench/numpy_scan.py, Debian's python3-numpy)
#   (c) ckptlint's scan (check with only the value rules selected)
# on a full-size Gemma 4 E4B bf16 checkpoint (15,992,314,836 bytes, sparse, 3 NaN/Inf
# planted) and on an 8 GB dense pseudo-random BF16 file; plus the peak RSS of (c).
# Usage: bash bench/value_scan.sh   (needs ~8 GB of free disk and RAM for the dense file)
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
[ ${#need[@]} -eq 0 ] || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null; }
[ -x build/ckptlint ] || bash .ci/setup >/dev/null
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cat > "$work/e4b.yaml" <<'YAML'
gemma4:
  preset: e4b
  mutate:
    - {plant: "language_model.model.embed_tokens_per_layer.weight", index: 2000000000, hex: "c07f"}
    - {plant: "language_model.model.layers.41.mlp.down_proj.weight", index: 12345, hex: "807f"}
    - {plant: "audio_tower.output_proj.bias", index: 1, hex: "80ff"}
YAML
build/ckptlint-fixture recipe "$work/e4b.yaml" "$work/e4b"
mkdir -p "$work/dense"
build/ckptlint-fixture dense "$work/dense/model.safetensors" 8000000000

# Wall time of a command; ckptlint exits 1 when it finds the planted values, which is expected.
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; echo "$(date +%s.%N) - $s" | bc -l; }
measure() {
  local name="$1"; shift
  local files=("$@") bytes=0
  for f in "${files[@]}"; do bytes=$((bytes + $(stat -c %s "$f"))); done
  for f in "${files[@]}"; do cat "$f" >/dev/null; done  # warm the page cache
  local dd=0 np ck
  for f in "${files[@]}"; do dd=$(echo "$dd + $(seconds dd if="$f" of=/dev/null bs=16M)" | bc -l); done
  np=$(seconds /usr/bin/python3 bench/numpy_scan.py "${files[@]}")
  ck=$(seconds build/ckptlint check "$(dirname "${files[0]}")" --select 'tensor-non-finite,tensor-data-unreadable' --no-progress)
  local rss
  rss=$( { /usr/bin/time -f '%M' build/ckptlint check "$(dirname "${files[0]}")" --select tensor-non-finite --no-progress >/dev/null || true; } 2>&1 | tail -1)
  local gb; gb=$(echo "$bytes / 1000000000" | bc -l)
  printf '%s (%.2f GB)\n' "$name" "$gb"
  printf '  (a) dd bs=16M      %6.2f GB/s\n' "$(echo "$gb / $dd" | bc -l)"
  printf '  (b) numpy bit mask %6.2f GB/s\n' "$(echo "$gb / $np" | bc -l)"
  printf '  (c) ckptlint       %6.2f GB/s   (c)/(a) = %.2f   (c)/(b) = %.1f   peak RSS %d MB\n' \
    "$(echo "$gb / $ck" | bc -l)" "$(echo "$dd / $ck" | bc -l)" "$(echo "$np / $ck" | bc -l)" "$((rss / 1024))"
}
measure "E4B bf16, sparse, full size" "$work"/e4b/model-*.safetensors
measure "dense pseudo-random BF16" "$work/dense/model.safetensors"
echo "planted NaN/Inf found in $( (build/ckptlint check "$work/e4b" --select tensor-non-finite --no-progress || true) | grep -c 'error\[tensor-non-finite\]') tensors (3 planted)"
