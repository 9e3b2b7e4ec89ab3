#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Time and peak RSS of `ckptlint check --no-values` against header size, for the attack
shapes of hostile headers: one entry with N unknown fields, one field repeated N times, N
names in case-only pairs, and (the baseline in the same run) N plain tensors. Growth from
one size to the next 10x should stay near 10x (linear work).

Each time is the best of three runs (the small sizes take tens of milliseconds, where one
run is noise). With --instructions, valgrind's instruction count is shown as well, for
growth that does not depend on the machine: time can grow faster than the work once the
tables leave the caches, instruction counts cannot.

Usage: python3 bench/hostile_headers.py [--instructions] [build/ckptlint]   (after .ci/setup)
"""
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def entry(name, begin, extra=""):
    return '"%s":{"dtype":"U8","shape":[1],"data_offsets":[%d,%d]%s}' % (name, begin, begin + 1, extra)


def shapes(n):
    yield "unknown fields", "{" + entry("a", 0, "".join(',"f%d":0' % i for i in range(n))) + "}", 1
    yield "repeated field", "{" + entry("a", 0, ',"dtype":"U8"' * n) + "}", 1
    pairs = ",".join(entry("w%d" % i, 2 * i) + "," + entry("W%d" % i, 2 * i + 1) for i in range(n // 2))
    yield "case-only names", "{" + pairs + "}", n
    yield "plain tensors (baseline)", "{" + ",".join(entry("w%d" % i, i) for i in range(n)) + "}", n


def instructions(binary, path):
    err = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, "check", path,
                          "--no-values", "--format", "json", "--no-config"], capture_output=True, text=True).stderr
    for line in err.splitlines():
        if "refs:" in line:
            return int(line.split("refs:")[1].replace(",", ""))
    return None


def main():
    args = [a for a in sys.argv[1:] if a != "--instructions"]
    count_instructions = "--instructions" in sys.argv[1:]
    binary = args[0] if args else os.path.join(ROOT, "build", "ckptlint")
    extra = " instructions | growth |" if count_instructions else ""
    print("| attack | N | header | time | growth | peak RSS | exit | findings |" + extra)
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if count_instructions else ""))
    previous_instr = {}
    with tempfile.TemporaryDirectory() as work:
        previous = {}
        for n in (40_000, 400_000, 4_000_000):
            for label, header, data in shapes(n):
                blob = header.encode()
                if len(blob) > 100_000_000:
                    continue  # past the header cap: header-too-large, not this attack
                path = os.path.join(work, "x.safetensors")
                with open(path, "wb") as f:
                    f.write(struct.pack("<Q", len(blob)) + blob + b"\0" * data)
                # Each measurement in a fresh process, so ru_maxrss is its own; best of three.
                runs = []
                for _ in range(3):
                    out = subprocess.run([sys.executable, "-c", MEASURE, binary, path], capture_output=True, text=True).stdout.split()
                    runs.append((float(out[0]), int(out[1]), int(out[2]), int(out[3])))
                seconds = min(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                code, findings = runs[0][2], runs[0][3]
                growth = "%.1f×" % (seconds / previous[label]) if label in previous else "—"
                previous[label] = seconds
                row = f"| {label} | {n:,} | {len(blob) / 1e6:.1f} MB | {seconds:.3f} s | {growth} | {rss / 1024:.0f} MB | {code} | {findings} |"
                if count_instructions:
                    instr = instructions(binary, path)
                    instr_growth = "%.1f×" % (instr / previous_instr[label]) if label in previous_instr and instr else "—"
                    previous_instr[label] = instr
                    row += f" {instr / 1e6:,.0f} M | {instr_growth} |" if instr else " — | — |"
                print(row)


MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
p = subprocess.run([sys.argv[1], "check", sys.argv[2], "--no-values", "--format", "json", "--no-config"], capture_output=True)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode, p.stdout.count(b'"rule"'))
"""

if __name__ == "__main__":
    main()
