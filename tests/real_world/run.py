#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs ckptlint over the real published files in ../shared/reference, by hand.

Not a test (tests never read ../shared): a developer's check that real files draw no false
finding. It prints two markdown tables and a section of diffs:

1. Layout reproduction: for every published config + index pair (or config + tensor
   inventory), `ckptlint layout CONFIG` with the layout model's default recipe against the
   index's key set and metadata.total_size (an inventory's index_total_size), then per family:
   layouts reproduced / real files.
2. Verdicts: every real config, index, adapter config and .safetensors file, checked the way a
   user would check it, with each finding at warning or above, and what `ckptlint fix
   --unsafe-fixes` (nothing written) would change: each file with its lines added and removed.
   Then the diffs themselves, for every input fix would change, with what it leaves unfixed and
   why, and how many of those inputs have no finding at warning or above (healthy files: there
   must be none; a diff there means the fix, or the rule, is wrong).

A config + index pair is checked as a directory of sparse shards written from the index: each
tensor gets the dtype and shape `ckptlint layout` gives it (the index's total_size then checks
those shapes: a wrong shape shows as index-total-size-mismatch). A tensor the layout does not
know gets F32 [1], so it shows as unexpected (and index-total-size-mismatch, which only says
the same, is left out). A config without an index is checked as the checkpoint `ckptlint
layout` implies for it. An adapter config is checked alone
(adapter-weights-missing is left out: the weights were not published beside it).

A directory of side files (real-world/sidecars/: tokenizer, generation, template and processor
files) is checked as the checkpoint it belongs to: its own files beside the weights of its
config.json, written from the index published with the same config.json (matched by content)
or else from `ckptlint layout` (a config no layout model knows gets its embedding alone,
[vocab_size, hidden_size], which the vocabulary rules read); a directory without config.json
sits beside an adapter (its README says which) and is checked in a stand-in adapter directory
with one LoRA pair.

Usage: python3 tests/real_world/run.py [--shared ../shared] [--ckptlint build/ckptlint] [--only SUBSTR]
"""
import argparse
import json
import os
import shutil
import re
import struct
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def layout_of(ckptlint, config):
    """The layout for a config under the layout model's default recipe (what `ckptlint
    layout` answers for the Hub's published conversions)."""
    code, out, err = run([ckptlint, "layout", config, "--format", "json"])
    if code != 0:
        return None, err.strip()
    return json.loads(out), ""


BYTES = {"BF16": 2, "F16": 2, "F32": 4, "U32": 4, "U8": 1, "I8": 1, "I32": 4, "I64": 8, "F8_E4M3": 1, "F8_E5M2": 1}


def read_index(path):
    """An index's weight_map and total_size, or a derived tensor inventory's (name, dtype,
    shape, shard of every tensor) as the same: ({name: shard}, total_size, {name: (dtype, shape)})."""
    doc = json.load(open(path))
    if "weight_map" in doc:
        return doc["weight_map"], doc.get("metadata", {}).get("total_size"), {}
    shards = {i + 1: s["name"] for i, s in enumerate(doc.get("shards", []))}
    weight_map, typed = {}, {}
    for name, dtype, shape, shard in doc["tensors"]:
        weight_map[name] = shards.get(shard, "model.safetensors") if isinstance(shard, int) else shard
        typed[name] = (dtype, shape)
    return weight_map, doc.get("source", {}).get("index_total_size"), typed


def family_of(config):
    doc = json.load(open(config))
    return doc.get("model_type") or "?"


def index_files(folder):
    """(stem, index or inventory file) of a folder's published indexes and inventories."""
    for f in sorted(os.listdir(folder)):
        for tail in ("model.safetensors.index.json", "tensor_inventory.json"):
            if f.endswith("__" + tail) or f.endswith("_" + tail):
                yield f[: -len(tail)], f


def nbytes(dtype, shape):
    n = BYTES[dtype]
    for d in shape:
        n *= d
    return n


def write_shard(path, tensors):
    """A sparse safetensors file: header, then holes of the right size."""
    header, offset = {"__metadata__": {"format": "mlx"}}, 0
    sizes = []
    for name, dtype, shape in tensors:
        n = nbytes(dtype, shape)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(header, separators=(",", ":")).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob)
        f.truncate(8 + len(blob) + offset)


def stand_in(name, weight_map, config, typed):
    """A dtype and shape for a tensor no layout model knows: the embedding and output head as
    [vocab_size, hidden_size] (their rows are what the vocabulary rules read), a consistent MLX
    quantized triple (rows of 64 inputs at the config's bits for the module, group size 64;
    the head's and embedding's at their real width) or F32 [1]."""
    if name in typed:
        return typed[name]
    doc = json.load(open(config))
    text = doc.get("text_config") if isinstance(doc.get("text_config"), dict) else doc
    module = name.rsplit(".", 1)[0]
    vocab_rows = module.endswith("embed_tokens") or module.endswith("lm_head")
    rows = text.get("vocab_size", 1) if vocab_rows else 1
    width = text.get("hidden_size", 64) if vocab_rows else 64
    if module + ".scales" not in weight_map:
        return ("BF16", [rows, width]) if vocab_rows and name.endswith(".weight") else ("F32", [1])
    q = doc.get("quantization") or {}
    entry = q.get(module) if isinstance(q.get(module), dict) else q
    bits, group = entry.get("bits", 4), entry.get("group_size", 64)
    if name.endswith(".weight"):
        return "U32", [rows, width * bits // 32]
    return "BF16", [rows, width // group]


def materialise_index(ckptlint, config, index, out):
    shutil.copy(config, os.path.join(out, "config.json"))
    shutil.copy(index, os.path.join(out, "model.safetensors.index.json"))
    known = {}
    lay, _ = layout_of(ckptlint, config)
    if lay:
        known = {t["name"]: (t["dtype"], t["shape"]) for t in lay["tensors"]}
    weight_map, _, typed = read_index(index)
    shutil.copy(index, os.path.join(out, "model.safetensors.index.json"))
    if typed:  # an inventory: the index it describes
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            total = sum(nbytes(d, s) for d, s in typed.values())
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f)
    files = {}
    for name, file in weight_map.items():
        dtype, shape = known.get(name) or stand_in(name, weight_map, config, typed)
        files.setdefault(file, []).append((name, dtype, shape))
    for file, tensors in files.items():
        if "/" in file or file.startswith("."):
            continue
        write_shard(os.path.join(out, file), tensors)
    # Whether every tensor has its real shape (from the layout or the inventory): a stand-in
    # shape (an index of another family beside this config) cannot add up to its total_size.
    return bool(lay) and all(name in known or name in typed for name in weight_map)


def materialise_config(ckptlint, config, out, required_only=False):
    """The checkpoint a config implies (its own quantization, ple-safe recipe; with
    required_only, without the layout's optional tensors, such as a tied model's lm_head). A
    config no layout model knows gets a one-tensor stand-in shard, so that its config rules
    run (a directory with no safetensors file is "nothing to check", exit 2)."""
    lay, err = layout_of(ckptlint, config)
    shutil.copy(config, os.path.join(out, "config.json"))
    if not lay:
        write_shard(os.path.join(out, "model.safetensors"), [("stand_in.weight", "F32", [1])])
        return False
    write_shard(os.path.join(out, "model.safetensors"),
                [(t["name"], t["dtype"], t["shape"]) for t in lay["tensors"] if not (required_only and t.get("optional"))])
    return True


def materialise_embedding(config, out):
    """A config no layout model knows: its embedding alone, [vocab_size, hidden_size] BF16."""
    shutil.copy(config, os.path.join(out, "config.json"))
    doc = json.load(open(config))
    text = doc.get("text_config") if isinstance(doc.get("text_config"), dict) else doc
    vocab, hidden = text.get("vocab_size"), text.get("hidden_size")
    if not isinstance(vocab, int) or not isinstance(hidden, int):
        return False
    write_shard(os.path.join(out, "model.safetensors"), [("model.embed_tokens.weight", "BF16", [vocab, hidden])])
    return True


def materialise_adapter(out, dialect):
    """A stand-in adapter directory (one LoRA pair on layer 0's q_proj, rank 8, values 0.01),
    for side files published beside an adapter whose config and weights are not in the
    reference set."""
    if dialect == "mlx-lm":
        config = {"fine_tune_type": "lora", "num_layers": 16,
                  "lora_parameters": {"rank": 8, "scale": 20.0, "dropout": 0.0, "keys": ["self_attn.q_proj"]}}
        tensors = [("model.layers.0.self_attn.q_proj.lora_a", [64, 8]), ("model.layers.0.self_attn.q_proj.lora_b", [8, 64])]
        weights = "adapters.safetensors"
    else:
        config = {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "task_type": "CAUSAL_LM"}
        tensors = [("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [8, 64]),
                   ("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [64, 8])]
        weights = "adapter_model.safetensors"
    json.dump(config, open(os.path.join(out, "adapter_config.json"), "w"))
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, shape in tensors:
        n = shape[0] * shape[1]
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + 4 * n]}
        data += struct.pack("<%df" % n, *([0.01] * n))
    blob = json.dumps(header, separators=(",", ":")).encode()
    with open(os.path.join(out, weights), "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + data)


def materialise_sidecars(ckptlint, folder, index_for_config, out):
    """The checkpoint a directory of side files belongs to; returns how its weights were made."""
    cfg = os.path.join(folder, "config.json")
    if os.path.isfile(cfg):
        index = index_for_config.get(open(cfg, "rb").read())
        if index:
            shapes_known = materialise_index(ckptlint, cfg, index, out)
            how = "weights from its index" + ("" if shapes_known else ", stand-in shapes")
        elif layout_of(ckptlint, cfg)[0] is not None:
            # The files a release ships, not what a conversion may add (a tied model's lm_head).
            materialise_config(ckptlint, cfg, out, required_only=True)
            how = "weights from ckptlint layout"
        elif materialise_embedding(cfg, out):
            how = "embedding only"
        else:
            materialise_config(ckptlint, cfg, out)
            how = "a stand-in shard"
    else:
        dialect = "mlx-lm" if folder.rstrip("/").endswith("__adapters") else "peft"
        materialise_adapter(out, dialect)
        how = dialect + " adapter stand-in"
    for f in os.listdir(folder):
        if f != "config.json":
            shutil.copy(os.path.join(folder, f), os.path.join(out, f))
    return how


def proposed_fixes(ckptlint, path, extra=()):
    """What `ckptlint fix` (no --write, unsafe fixes included) would change: a list of
    (file, created, rules, unsafe, diff lines), and the `not fixed:` lines."""
    code, out, err = run([ckptlint, "fix", path, "--unsafe-fixes", "--no-values", "--no-config", *extra])
    changes, unfixed, diff = [], [], []
    for line in out.splitlines():
        m = re.match(r"# (changes|creates) (\S+) \((.*?)(; unsafe)?\)$", line)
        if m:
            changes.append((m.group(2), m.group(1) == "creates", m.group(3), bool(m.group(4)), diff))
            diff = []
        elif line.startswith("not fixed: "):
            unfixed.append(line[len("not fixed: "):])
        elif re.match(r"[-+@ ]", line) or line.startswith("---") or line.startswith("+++"):
            diff.append(line)
    if code == 2:
        unfixed.append("(exit 2) " + (err.strip().splitlines()[-1] if err.strip() else "no output"))
    return changes, unfixed


def applied_fixes(ckptlint, path, extra=()):
    """`ckptlint fix --write --unsafe-fixes` on a copy of a stand-in directory: its fixed: and
    remains: lines (the real files themselves are never written)."""
    copy = path.rstrip("/") + "-fixed"
    shutil.copytree(path, copy)
    try:
        _, out, err = run([ckptlint, "fix", copy, "--write", "--unsafe-fixes", "--no-backup", "--no-values", "--no-config", *extra])
        return [l for l in out.splitlines() if l.startswith(("fixed: ", "remains: "))] or [err.strip() or "no output"]
    finally:
        shutil.rmtree(copy, ignore_errors=True)


# The scratch directory of the stand-ins: only copies of what is in it are ever written.
SCRATCH = None


def check(ckptlint, path, extra=()):
    code, out, err = run([ckptlint, "check", path, "--no-values", "--format", "json", "--no-config", *extra])
    fixes = proposed_fixes(ckptlint, path, extra)
    if fixes[0] and SCRATCH and os.path.isdir(path) and path.startswith(SCRATCH):
        fixes[1].extend("after --write: " + l for l in applied_fixes(ckptlint, path, extra))
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        return code, [("(exit %d)" % code, err.strip().splitlines()[-1] if err.strip() else "no report")], [], fixes
    loud = [(f["rule"], f["message"]) for f in report["findings"] if f["severity"] in ("error", "warning")]
    quiet = sorted({f["rule"] for f in report["findings"] if f["severity"] not in ("error", "warning")})
    return code, loud, quiet, fixes


def fix_summary(fixes):
    """One table cell: each file fix would change, with its lines added and removed."""
    changes, _ = fixes
    cells = []
    for file, created, rules, unsafe, diff in changes:
        added = sum(1 for l in diff if l.startswith("+") and not l.startswith("+++"))
        removed = sum(1 for l in diff if l.startswith("-") and not l.startswith("---"))
        what = "created" if created else f"+{added} −{removed}"
        cells.append(f"{file} {what} ({rules}{', unsafe' if unsafe else ''})")
    return "; ".join(cells) or "—"


def verdict(code):
    return {0: "pass", 1: "fail", 2: "error"}.get(code, str(code))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(REPO), "shared"))
    ap.add_argument("--ckptlint", default=os.path.join(REPO, "build", "ckptlint"))
    ap.add_argument("--only", default="")
    ap.add_argument("--max-messages", type=int, default=3)
    a = ap.parse_args()
    ref = os.path.join(a.shared, "reference")
    rw = os.path.join(ref, "real-world")
    ck = a.ckptlint

    # ---- pairs of config + index ----
    pairs = []
    for d in sorted(os.listdir(ref)):
        p = os.path.join(ref, d)
        if os.path.isfile(os.path.join(p, "model.safetensors.index.json")):
            pairs.append((d, os.path.join(p, "config.json"), os.path.join(p, "model.safetensors.index.json")))
    for sub in ("gemma4", "gemma3n", "indexes"):
        folder = os.path.join(rw, sub)
        for stem, f in index_files(folder):
            cfg = os.path.join(folder, stem + "config.json")
            if os.path.isfile(cfg):
                pairs.append((sub + "/" + stem.rstrip("_"), cfg, os.path.join(folder, f)))
    # Side-file directories find their weights by their config.json's bytes.
    index_for_config = {open(c, "rb").read(): i for _, c, i in pairs}
    pairs = [p for p in pairs if a.only in p[0]]

    print("## Layout reproduction (`ckptlint layout CONFIG`, the default recipe)\n")
    print("| checkpoint | family | layout (recipe) | index tensors | layout tensors | missing | extra (required) | total_size | reproduced |")
    print("|---|---|---|---|---|---|---|---|---|")
    families = {}
    for label, cfg, idx in pairs:
        fam = family_of(cfg)
        lay, err = layout_of(ck, cfg)
        families.setdefault(fam, [0, 0, []])[1] += 1
        if lay is None:
            families[fam][2].append(label)
            print(f"| {label} | {fam} | — | | | | | | not modelled |")
            continue
        weight_map, total, _ = read_index(idx)
        want = set(weight_map)
        got = {t["name"] for t in lay["tensors"]}
        required = {t["name"] for t in lay["tensors"] if not t.get("optional")}
        # The layout's own total counts optional tensors too; the index's covers what it holds.
        layout_total = sum(nbytes(t["dtype"], t["shape"]) for t in lay["tensors"] if t["name"] in want)
        same_total = total == layout_total
        ok = not (want - got) and not (required - want) and same_total
        if ok:
            families[fam][0] += 1
        else:
            families[fam][2].append(label)
        size = "=" if same_total else "%s vs %s" % (layout_total, total)
        print(f"| {label} | {fam} | {lay['layout']} ({lay['recipe']}) | {len(want)} | {len(got)} | {len(want - got)} | "
              f"{len(required - want)} | {size} | {'yes' if ok else 'NO'} |")
    print("\n| family (model_type) | layouts reproduced / real files | not reproduced |")
    print("|---|---|---|")
    for fam, (good, n, bad) in sorted(families.items()):
        print(f"| {fam} | {good} / {n} | {', '.join(bad) or '—'} |")

    rows = []
    tmp = tempfile.mkdtemp(prefix="ckptlint-real-")
    global SCRATCH
    SCRATCH = tmp
    try:
        for label, cfg, idx in pairs:
            out = os.path.join(tmp, str(len(rows)))
            os.makedirs(out)
            # Stand-in shapes (no layout model, or an index the layout does not describe)
            # cannot add up to the index's total_size.
            shapes_known = materialise_index(ck, cfg, idx, out)
            extra = () if shapes_known else ("--ignore", "index-total-size-mismatch")
            rows.append((label + " (config + index)", *check(ck, out, extra)))
        # configs without an index beside them
        indexed = {p[1] for p in pairs}
        for sub in ("gemma4", "gemma3n", "indexes"):
            folder = os.path.join(rw, sub)
            for f in sorted(os.listdir(folder)):
                path = os.path.join(folder, f)
                if not f.endswith(".json") or path in indexed or f.endswith("index.json") or a.only not in f:
                    continue
                try:
                    doc = json.load(open(path))
                except json.JSONDecodeError:
                    continue
                if not isinstance(doc, dict) or "model_type" not in doc:
                    continue
                out = os.path.join(tmp, str(len(rows)))
                os.makedirs(out)
                if materialise_config(ck, path, out):
                    rows.append((sub + "/" + f + " (as the checkpoint it implies)", *check(ck, out)))
                else:
                    # The stand-in holds no quantized tensor: a quantized config's section would
                    # read as stale, which says nothing about the real files.
                    rows.append((sub + "/" + f + " (config with a stand-in shard)",
                                 *check(ck, out, ("--ignore", "quant-config-without-tensors"))))
        for dialect in ("mlx-lm", "peft"):
            folder = os.path.join(rw, "adapters", dialect)
            for f in sorted(os.listdir(folder)):
                if a.only not in f:
                    continue
                out = os.path.join(tmp, str(len(rows)))
                os.makedirs(out)
                shutil.copy(os.path.join(folder, f), os.path.join(out, "adapter_config.json"))
                rows.append((f"adapters/{dialect}/{f}", *check(ck, out, ("--ignore", "adapter-weights-missing"))))
        folder = os.path.join(rw, "safetensors")
        for f in sorted(os.listdir(folder)):
            if a.only not in f or not f.endswith(".safetensors") or "__sharded__" in f:
                continue
            rows.append((f"safetensors/{f}", *check(ck, os.path.join(folder, f))))
        shards = [f for f in sorted(os.listdir(folder)) if "__sharded__" in f]
        if shards and a.only in "sharded":
            out = os.path.join(tmp, "sharded")
            os.makedirs(out)
            for f in shards:
                shutil.copy(os.path.join(folder, f), os.path.join(out, f.split("__sharded__")[1]))
            rows.append(("safetensors/FluxML sharded set (6 shards + index)", *check(ck, out)))
        sidecars = os.path.join(rw, "sidecars")
        for d in sorted(os.listdir(sidecars)):
            folder = os.path.join(sidecars, d)
            if not os.path.isdir(folder) or a.only not in d:
                continue
            out = os.path.join(tmp, str(len(rows)))
            os.makedirs(out)
            how = materialise_sidecars(ck, folder, index_for_config, out)
            # As for the pairs above: stand-in shapes are not the index's, so its total_size
            # cannot match.
            extra = ("--ignore", "adapter-weights-missing") if "adapter" in how else ()
            extra += ("--ignore", "index-total-size-mismatch") if "stand-in shapes" in how else ()
            extra += ("--ignore", "quant-config-without-tensors") if "stand-in shard" in how else ()
            rows.append((f"sidecars/{d} ({how})", *check(ck, out, extra)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n## Verdicts (`ckptlint check --no-values`; `ckptlint fix --unsafe-fixes`, nothing written)\n")
    print("| file | verdict | findings at warning or above | info rules | fix would change |")
    print("|---|---|---|---|---|")
    counts = {}
    for label, code, loud, quiet, fixes in rows:
        v = verdict(code)
        counts[v] = counts.get(v, 0) + 1
        by_rule = {}
        for rule, msg in loud:
            by_rule.setdefault(rule, []).append(msg)
        shown = "; ".join(f"{r} ×{len(m)}: {m[0][:160]}" for r, m in sorted(by_rule.items())[: a.max_messages]) or "—"
        shown = shown.replace("|", "\\|")
        print(f"| {label} | {v} | {shown} | {', '.join(quiet) or '—'} | {fix_summary(fixes).replace('|', chr(92) + '|')} |")
    print("\n" + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + f" ({len(rows)} inputs)")

    # The diffs themselves, for the inputs fix would change: none may be a healthy file.
    # (The weights of most inputs are stand-ins made from the config and index: a fix of the
    # index, total_size included, says what those stand-ins hold, as the check's finding does.)
    changed = [(label, code, loud, fixes) for label, code, loud, _, fixes in rows if fixes[0]]
    healthy = [label for label, _, loud, _ in changed if not loud]
    print(f"\n## What `ckptlint fix` would change ({len(changed)} of {len(rows)} inputs; "
          f"{len(healthy)} of them without a finding at warning or above{': ' + ', '.join(healthy) if healthy else ''})\n")
    for label, code, _, (changes, unfixed) in changed:
        print(f"### {label} ({verdict(code)})\n")
        print("```diff")
        for file, created, rules, unsafe, diff in changes:
            shown = diff if len(diff) <= 40 else diff[:40] + [f"... {len(diff) - 40} more lines"]
            print("\n".join(shown))
            print(f"# {'creates' if created else 'changes'} {file} ({rules}{'; unsafe' if unsafe else ''})")
        print("```\n")
        for u in unfixed:
            print(f"- {u}" if u.startswith("after --write: ") else f"- not fixed: {u}")
        if unfixed:
            print()


if __name__ == "__main__":
    sys.exit(main())
