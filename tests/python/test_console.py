# SPDX-License-Identifier: Apache-2.0
"""The console entry point `ckptlint` of the installed package behaves as the native binary:
the same output and exit codes (0 pass, 1 fail, 2 not checked or usage)."""
import subprocess

from conftest import BUILD


def run(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True)


def test_version_and_help(console):
    assert run(console, "--version").stdout == run(str(BUILD / "ckptlint"), "--version").stdout
    assert run(console, "--help").returncode == 0


def test_exit_codes(console, make, tmp_path):
    passing = make("fuse-summary/trigger.yaml")
    failing = make("fuse-scale-mismatch/trigger.yaml")
    ok = run(console, *passing.cli_args(), "--no-config")
    assert ok.returncode == 0, ok.stderr
    bad = run(console, *failing.cli_args(), "--no-config")
    assert bad.returncode == 1
    assert bad.stdout == run(str(BUILD / "ckptlint"), *failing.cli_args(), "--no-config").stdout
    assert run(console, "--no-config", "--exit-zero", *failing.cli_args()).returncode == 0
    assert run(console, "check", str(tmp_path / "absent")).returncode == 2
    usage = run(console, "chek", str(tmp_path))
    assert usage.returncode == 2 and "did you mean 'check'" in usage.stderr
