#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails when an #include runs against the layer order of docs/architecture.md.

Each folder under lint/ is a layer; a file may include headers of its own folder and of
lower layers only. Folders on the same rank are peers and may not include each other.
Public headers (include/ckptlint/) may include only each other and outside libraries.

Usage: python3 tests/layering/check_includes.py [REPO]
"""
import os
import re
import sys

# Bottom to top. Keep in step with docs/architecture.md.
LAYERS = [
    ["util"],                      # text, globs, checked arithmetic, platform, tensor names
    ["json"],                      # the strict JSON reader, JSON-pointer positions
    ["lang"],                      # YAML documents, expressions, message templates
    ["checkpoint"],                # reading a checkpoint from a FileStore
    ["remote"],                    # the FileStore over HTTP (hf://, https://)
    ["load"],                      # load_checkpoint: picks the store
    ["mlx", "values", "adapter"],  # models of one checkpoint: MLX storage, value scan, LoRA
    ["layout", "diff"],            # the layout a config implies; base vs fused
    ["analysis"],                  # the derived per-run state every rule shares
    ["primitives"],                # the generic checks rules are made of
    ["rules"],                     # rule files -> compiled rules and layout models
    ["engine"],                    # selects, runs and reports rules
    ["report", "fix"],             # text, JSON, SARIF, GitHub, HTML; the repairs of `fix`
    ["cli"],                       # the command line
    ["tools", "python"],           # build-time tools (rule embedding); the Python extension module
]
RANK = {folder: rank for rank, folders in enumerate(LAYERS) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lint = os.path.join(repo, "lint")
    problems = []
    folders = sorted(d for d in os.listdir(lint) if os.path.isdir(os.path.join(lint, d)))
    for folder in folders:
        if folder not in RANK:
            problems.append(f"lint/{folder}/ is in no layer (add it to LAYERS and docs/architecture.md)")
    for root, _, files in os.walk(lint):
        for name in sorted(files):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, lint)
            src = rel.split(os.sep)[0] if os.sep in rel else None  # None: lint/main.cpp, the top
            for inc in INCLUDE.findall(open(path, encoding="utf-8").read()):
                dst = inc.split("/")[0]
                if dst == "ckptlint" or "/" not in inc or dst not in RANK or src is None or dst == src:
                    continue
                if RANK.get(src, -1) <= RANK[dst]:
                    how = "a peer" if RANK.get(src) == RANK[dst] else "a higher layer"
                    problems.append(f"lint/{rel}: includes \"{inc}\", {how} ({src} -> {dst})")
    public = os.path.join(repo, "include", "ckptlint")
    for name in sorted(os.listdir(public)):
        for inc in INCLUDE.findall(open(os.path.join(public, name), encoding="utf-8").read()):
            if not inc.startswith("ckptlint/"):
                problems.append(f"include/ckptlint/{name}: includes internal \"{inc}\"")
    for p in problems:
        print(p)
    print(f"{len(problems)} include(s) against the layer order" if problems else "includes follow the layer order")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
