#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Per-phase cost of a header-only check across the Gemma 4 family, against file sizes.

For full-size E2B, E4B, 26B-A4B and 31B checkpoints (MLX 4-bit, the published converter's
recipe; sparse data sections, so they cost no disk) this prints, in one run on this machine:
  - the JSON ckptlint reads (config, index, every shard header) in bytes and tensors;
  - ckptlint's own `--verbose` phases, each the median of RUNS runs: built-in rules loaded
    (on a second thread, beside the reads), headers read, analysis (layout expansion), rules;
  - whole-process wall time of `ckptlint check --no-values` against the baseline measured
    in the same run: a Python script that only json.loads the same files (bench/read_headers.py);
  - callgrind's instruction count for one run (repeatable, unlike time), when valgrind exists.

Usage: python3 bench/header_phases.py [RUNS]   (after .ci/setup has built build/ckptlint)
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CKPTLINT = os.path.join(ROOT, "build", "ckptlint")
FIXTURE = os.path.join(ROOT, "build", "ckptlint-fixture")
PRESETS = ["e2b", "e4b", "26b-a4b", "31b"]
PHASES = [
    ("rules", r"loaded \d+ rules from .* in ([\d.]+) ms"),
    ("read", r"read the targets in ([\d.]+) ms"),
    ("analysis", r"analysis ([\d.]+) ms"),
    ("run", r", \d+ rules ([\d.]+) ms"),
    ("total", r"findings, ([\d.]+) ms"),
]


def json_bytes(path):
    """Bytes of JSON a header check reads, and the tensor count."""
    total, tensors = 0, 0
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if name.endswith(".json"):
            total += os.path.getsize(full)
        elif name.endswith(".safetensors"):
            with open(full, "rb") as f:
                n = int.from_bytes(f.read(8), "little")
                header = f.read(n)
            total += n
            tensors += header.count(b'"data_offsets"')
    return total, tensors


def wall(cmd, runs):
    """Median wall time of `cmd` in ms, after two warm-up runs."""
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def phases(path, runs):
    seen = {name: [] for name, _ in PHASES}
    for _ in range(runs):
        err = subprocess.run([CKPTLINT, "check", path, "--no-values", "--verbose", "--no-config"],
                             capture_output=True, text=True).stderr
        for name, pattern in PHASES:
            m = re.search(pattern, err)
            if m:
                seen[name].append(float(m.group(1)))
    return {name: statistics.median(v) if v else float("nan") for name, v in seen.items()}


def instructions(path):
    if shutil.which("valgrind") is None:
        return None
    err = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", CKPTLINT, "check", path,
                          "--no-values", "--quiet", "--no-config"], capture_output=True, text=True).stderr
    m = re.search(r"refs:\s+([\d,]+)", err)
    return int(m.group(1).replace(",", "")) if m else None


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for preset in PRESETS:
            recipe = os.path.join(work, preset + ".yaml")
            with open(recipe, "w") as f:
                f.write("gemma4: {preset: %s, quant: affine-4, recipe: ple-safe}\n" % preset)
            path = os.path.join(work, preset)
            subprocess.run([FIXTURE, "recipe", recipe, path], check=True, stdout=subprocess.DEVNULL)
            size, tensors = json_bytes(path)
            shards = sum(n.endswith(".safetensors") for n in os.listdir(path))
            p = phases(path, runs)
            ours = wall([CKPTLINT, "check", path, "--no-values", "--quiet", "--no-config"], runs)
            python = wall(["/usr/bin/python3", os.path.join(ROOT, "bench", "read_headers.py"), path], runs)
            rows.append((preset, shards, tensors, size, p, ours, python, instructions(path)))
    print(f"{runs} runs each, medians; phases from `ckptlint check --no-values --verbose` (rules load on a second thread)\n")
    print("| model (MLX 4-bit) | shards | tensors | JSON read | rules load | headers read | analysis | rules | "
          "whole process | Python json.loads | ratio | instructions |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for preset, shards, tensors, size, p, ours, python, instr in rows:
        mb_s = size / 1e6 / (p["read"] / 1000) if p["read"] > 0 else float("nan")
        instr_text = f"{instr / 1e6:.0f} M" if instr else "—"
        print(f"| {preset} | {shards} | {tensors:,} | {size / 1000:.0f} KB | {p['rules']:.1f} ms | "
              f"{p['read']:.1f} ms ({mb_s:.0f} MB/s) | {p['analysis']:.1f} ms | {p['run']:.1f} ms | {ours:.1f} ms | "
              f"{python:.1f} ms | {ours / python:.2f}× | {instr_text} |")


if __name__ == "__main__":
    main()
