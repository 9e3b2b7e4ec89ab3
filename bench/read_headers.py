#!/usr/bin/env python3
"""The baseline of bench/header_check.sh: read config.json, the index and every shard header
with json.loads, and nothing else (no checks). Interpreter start-up is part of the cost."""
import json
import os
import struct
import sys

root = sys.argv[1]
with open(os.path.join(root, "config.json")) as f:
    config = json.loads(f.read())
with open(os.path.join(root, "model.safetensors.index.json")) as f:
    index = json.loads(f.read())
count = 0
for shard in sorted(set(index["weight_map"].values())):
    with open(os.path.join(root, shard), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        count += len(header) - ("__metadata__" in header)
print(count)
