#!/usr/bin/env bash
# Seed corpora for the fuzz targets, generated from the project's own fixtures and rules:
#   header: every small .safetensors a fixture recipe writes     index: every index file
#   config: every config.json                                    rules: every rule/layout file
#   expr:   every expression in the rule packs (with a Gemma 4 config after it)
#   adapter: every adapter_config.json                          listing: each fixture's files as a Hub listing
# Usage: tests/fuzz/make_corpus.sh BUILD_DIR OUT_DIR
set -euo pipefail
build="$1"; out="$2"
here="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$out"/{header,index,config,rules,expr,adapter,listing}
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
n=0
for recipe in "$here"/fixtures/*/*.yaml; do
  n=$((n + 1))
  "$build/ckptlint-fixture" recipe "$recipe" "$tmp/$n" 2>/dev/null || continue
done
find "$tmp" -name '*.safetensors' -type f -size -256k | while read -r f; do cp "$f" "$out/header/$(md5sum < "$f" | cut -c1-16)"; done
find "$tmp" -name 'model.safetensors.index.json' -type f -size -256k | while read -r f; do cp "$f" "$out/index/$(md5sum < "$f" | cut -c1-16)"; done
find "$tmp" -name 'adapter_config.json' -type f | while read -r f; do cp "$f" "$out/adapter/$(md5sum < "$f" | cut -c1-16)"; done
find "$tmp" -name 'config.json' -type f | while read -r f; do cp "$f" "$out/config/$(md5sum < "$f" | cut -c1-16)"; done
find "$here/rules" -name '*.yaml' | while read -r f; do cp "$f" "$out/rules/$(basename "$f")"; done
# The Hub API's answer for each written fixture: {"siblings": [{"rfilename": ...}, ...]}.
for d in "$tmp"/*/; do
  names="$(cd "$d" && find . -type f | sed 's|^\./||; s|.*|{"rfilename": "&"}|' | paste -sd, -)"
  printf '{"id": "org/repo", "sha": "0", "siblings": [%s]}' "$names" > "$out/listing/$(echo "$d" | md5sum | cut -c1-16)"
done
config="$(find "$tmp" -name config.json -print -quit)"
grep -rhoE '(when|assert|where|count|object): "[^"]+"' "$here/rules" | sed -E 's/^[a-z]+: "//; s/"$//' | sort -u |
  while read -r e; do { echo "$e"; cat "$config"; } > "$out/expr/$(echo "$e" | md5sum | cut -c1-16)"; done
for d in header index config rules expr adapter listing; do echo "$d: $(ls "$out/$d" | wc -l) seeds"; done
