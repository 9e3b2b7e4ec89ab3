#!/usr/bin/env python3
"""The baseline of bench/header_check.sh and bench/diff_bench.sh: read config.json, the index
and every shard header of each checkpoint directory given, with json.loads, and nothing else
(no checks). Interpreter start-up is part of the cost."""
import json
import os
import struct
import sys

count = 0
for root in sys.argv[1:]:
    with open(os.path.join(root, "config.json")) as f:
        config = json.loads(f.read())
    index_path = os.path.join(root, "model.safetensors.index.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            shards = sorted(set(json.loads(f.read())["weight_map"].values()))
    else:
        shards = sorted(n for n in os.listdir(root) if n.endswith(".safetensors"))
    for shard in shards:
        with open(os.path.join(root, shard), "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(n))
            count += len(header) - ("__metadata__" in header)
print(count)
