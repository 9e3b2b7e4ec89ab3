# SPDX-License-Identifier: Apache-2.0
"""The pre-commit hook (``.pre-commit-hooks.yaml``, entry ``ckptlint-pre-commit``): runs
``ckptlint check`` once on every model directory a commit touches.

pre-commit passes the hook's ``args`` first, then the staged files that match its ``files``
pattern (weights, configs, indexes, adapter configs). A checkpoint's files sit side by side
in one directory, so each file's directory is a model to check when it holds weights or an
adapter config; a ``config.json`` elsewhere (a tool's settings) is left alone.

The project's ``.ckptlint.yaml`` at the repository root (where pre-commit runs hooks) is
passed with ``--config``: the command line never reads a config found inside a checked
path, and a Hugging Face model repository keeps its weights at its root. Here the
repository's owner runs the hook on their own files, so their config applies; ``--config``
or ``--no-config`` in ``args`` wins.
"""
import os
import re
import sys
from pathlib import Path
from typing import List, Sequence, Tuple

from ._launcher import executable

# The files that make a model directory worth checking (keep in step with the hook's files:).
CHECKPOINT_FILE = re.compile(r"(\.safetensors|(^|/)(config|adapter_config|generation_config|tokenizer_config)\.json|"
                             r"\.safetensors\.index\.json)$")


def split_arguments(argv: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(options, files): the trailing arguments that are checkpoint files are the staged files."""
    files: List[str] = []
    end = len(argv)
    while end > 0 and CHECKPOINT_FILE.search(argv[end - 1].replace(os.sep, "/")) and not argv[end - 1].startswith("-"):
        end -= 1
    files = list(argv[end:])
    return list(argv[:end]), files


def holds_a_model(directory: Path) -> bool:
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return any(n.endswith(".safetensors") or n == "adapter_config.json" for n in names)


def model_directories(files: Sequence[str]) -> List[str]:
    """The directories of `files` that hold a model or an adapter, each once, in order."""
    seen: List[str] = []
    for f in files:
        directory = os.path.dirname(f) or "."
        if directory not in seen and holds_a_model(Path(directory)):
            seen.append(directory)
    return seen


def command(argv: Sequence[str]) -> List[str]:
    """The ckptlint command line the hook runs for `argv`, or [] when nothing is to check."""
    options, files = split_arguments(argv)
    directories = model_directories(files)
    if not directories:
        return []
    chosen = any(o in ("--config", "--no-config") or o.startswith("--config=") for o in options)
    if not chosen and os.path.isfile(".ckptlint.yaml"):
        options = ["--config", ".ckptlint.yaml", *options]
    return [executable(), "check", *options, "--", *directories] if "--" not in options else \
        [executable(), "check", *options, *directories]


def main() -> None:
    cmd = command(sys.argv[1:])
    if not cmd:
        sys.exit(0)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
