#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fuse a LoRA adapter into its base model, verify the fuse with ckptlint, and upload the
fused model only when the verification passes.

    python3 examples/publish.py BASE ADAPTER FUSED --repo ORG/NAME

The fuse is mlx-lm's (``python -m mlx_lm fuse``); ``--fused-already`` skips it and checks an
existing FUSED directory; ``--dry-run`` stops before the upload. The verification is
``ckptlint.diff(base, fused, adapter=...)``: each LoRA target must have got scale · B·A as
the adapter's config says (a raw-alpha merge, a transposed or unmerged pair fails), and the
fused model gets every check rule.
"""
import argparse
import subprocess
import sys

import ckptlint


def fuse(base: str, adapter: str, fused: str) -> None:
    subprocess.run([sys.executable, "-m", "mlx_lm", "fuse", "--model", base, "--adapter-path", adapter,
                    "--save-path", fused], check=True)


def upload(fused: str, repo: str) -> None:
    from huggingface_hub import upload_folder  # only when publishing for real
    upload_folder(folder_path=fused, repo_id=repo, repo_type="model")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("adapter")
    parser.add_argument("fused")
    parser.add_argument("--repo", help="ORG/NAME on the Hub")
    parser.add_argument("--fused-already", action="store_true", help="FUSED exists: verify it, do not fuse")
    parser.add_argument("--dry-run", action="store_true", help="verify, but do not upload")
    args = parser.parse_args()

    if not args.fused_already:
        fuse(args.base, args.adapter, args.fused)
    try:
        report = ckptlint.diff(args.base, args.fused, adapter=args.adapter)
    except ckptlint.Error as e:  # a wrong path, nothing to check: never a pass
        print(f"refusing to upload: ckptlint could not check the fuse: {e}", file=sys.stderr)
        return 2
    print(report.to_text(quiet=True), end="")
    if not report.passed:
        causes = sorted({f.rule for f in report.findings if f.severity == "error"})
        print(f"refusing to upload {args.fused}: the fuse verification failed ({', '.join(causes)})", file=sys.stderr)
        return 1
    if args.dry_run or not args.repo:
        print(f"{args.fused}: verified; not uploaded (dry run)")
        return 0
    upload(args.fused, args.repo)
    print(f"{args.fused}: verified and uploaded to {args.repo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
