# SPDX-License-Identifier: Apache-2.0
"""The ``ckptlint`` console command of the Python package: the native executable bundled in
the wheel, run in place of this process, so its output, exit codes and speed are the native
binary's."""
import os
import subprocess
import sys
from pathlib import Path


def executable() -> str:
    """The path of the bundled native ``ckptlint`` executable."""
    return str(Path(__file__).resolve().parent / "_bin" / "ckptlint")


def main() -> None:
    exe = executable()
    args = [exe, *sys.argv[1:]]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(exe, args)  # never returns
    sys.exit(subprocess.call(args))


if __name__ == "__main__":
    main()
