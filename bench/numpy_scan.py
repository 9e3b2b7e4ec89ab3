#!/usr/bin/env python3
"""Baseline (b) of bench/value_scan.sh: a NumPy bit-mask NaN/Inf scan of every BF16 tensor,
(x & 0x7F80) == 0x7F80 over a uint16 memmap, in 64 MiB slices so memory stays bounded."""
import json
import os
import struct
import sys

import numpy as np

total = 0
found = 0
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint16, mode="r", offset=8 + n)
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "BF16":
            continue
        begin, end = info["data_offsets"]
        step = 32 << 20
        for i in range(begin // 2, end // 2, step):
            x = data[i:min(i + step, end // 2)]
            found += int(np.count_nonzero((x & 0x7F80) == 0x7F80))
        total += end - begin
print(f"{found} non-finite in {total / 1e9:.2f} GB")
