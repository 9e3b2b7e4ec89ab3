# SPDX-License-Identifier: Apache-2.0
"""The README's publishing script (examples/publish.py) refuses a raw-alpha fuse and passes
a correct one (the fuse: recipes of fixtures/fuse-scale-mismatch and fixtures/fuse-summary)."""
import subprocess
import sys

from conftest import REPO

SCRIPT = REPO / "examples" / "publish.py"


def publish(m):
    return subprocess.run([sys.executable, str(SCRIPT), str(m.base), str(m.adapter), str(m.target),
                           "--fused-already", "--dry-run"], capture_output=True, text=True)


def test_refuses_a_raw_alpha_fuse(make):
    run = publish(make("fuse-scale-mismatch/trigger.yaml"))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "refusing to upload" in run.stderr and "fuse-scale-mismatch" in run.stderr
    assert "raw alpha" in run.stdout


def test_passes_a_correct_fuse(make):
    run = publish(make("fuse-summary/trigger.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "verified; not uploaded (dry run)" in run.stdout


def test_refuses_what_it_cannot_check(make, tmp_path):
    m = make("fuse-summary/trigger.yaml")
    m.target = tmp_path / "not-fused-yet"
    m.target.mkdir()
    run = publish(m)
    assert run.returncode == 2 and "could not check" in run.stderr
