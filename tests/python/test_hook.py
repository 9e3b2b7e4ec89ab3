# SPDX-License-Identifier: Apache-2.0
"""The pre-commit hook: its entry script picks the model directories a commit touches, and
Debian's pre-commit runs it offline (as a `repo: local` hook with the entry, language and
file pattern of .pre-commit-hooks.yaml, installed from the wheel .ci/python built)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ckptlint import _hook
from conftest import REPO

HOOK = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]


def test_hook_definition():
    assert HOOK["id"] == "ckptlint" and HOOK["language"] == "python" and HOOK["entry"] == "ckptlint-pre-commit"


def test_model_directories_and_the_command(make, tmp_path, monkeypatch):
    model = make("fuse-summary/trigger.yaml").base
    repo = tmp_path / "repo"
    shutil.copytree(model, repo / "models" / "good")
    (repo / "tools").mkdir()
    (repo / "tools" / "config.json").write_text("{}")  # a tool's settings, not a model
    (repo / ".ckptlint.yaml").write_text("fail-on: warning\n")
    monkeypatch.chdir(repo)
    files = ["models/good/config.json", "models/good/model.safetensors.index.json", "tools/config.json"]
    cmd = _hook.command(["--no-values", *files])
    assert cmd[1:] == ["check", "--config", ".ckptlint.yaml", "--no-values", "--", "models/good"]
    assert _hook.command(["--no-config", *files])[1:] == ["check", "--no-config", "--", "models/good"]
    assert _hook.command(["tools/config.json"]) == []


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="Debian's pre-commit is not installed")
def test_pre_commit_runs_the_hook_offline(make, tmp_path):
    wheels = sorted((REPO / "build" / "dist").glob("ckptlint-*.whl"))
    if not wheels:
        pytest.skip("no wheel in build/dist (.ci/python builds it)")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.invalid")
    git(repo, "config", "user.name", "ci")
    hook = dict(HOOK, additional_dependencies=[str(wheels[-1])], args=["--no-values"])
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    env = dict(os.environ, PIP_NO_INDEX="1", PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               VIRTUALENV_OFFLINE="1")

    def run():
        return subprocess.run(["pre-commit", "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True)

    shutil.copytree(make("fuse-summary/trigger.yaml").base, repo / "good")
    git(repo, "add", ".")
    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ckptlint" in ok.stdout and "Passed" in ok.stdout

    shutil.copytree(make("mixed-quantization/trigger.yaml").target, repo / "hand-fused")
    git(repo, "add", ".")
    bad = run()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "mixed-quantization" in bad.stdout
