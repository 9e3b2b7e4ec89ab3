# SPDX-License-Identifier: Apache-2.0
"""ORG/REPO[@REVISION] reads the snapshot of the local Hugging Face cache (a fake cache laid
out as huggingface_hub writes it: blobs, snapshots of links, refs), in the API and the CLI;
no network, a local path always wins, and a name not cached says how to check it remotely."""
import hashlib
import os
import shutil
import subprocess

import pytest

import ckptlint

COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "89abcdef0123456789abcdef0123456789abcdef"


def cache_model(cache, org, repo, source, commit, refs=("main",)):
    """Lays `source`'s files out as huggingface_hub does: blobs by hash, a snapshot of links."""
    root = cache / f"models--{org}--{repo}"
    snapshot = root / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (root / "blobs").mkdir(exist_ok=True)
    (root / "refs").mkdir(exist_ok=True)
    for f in sorted(source.iterdir()):
        blob = hashlib.sha256(f.read_bytes()).hexdigest()
        shutil.copyfile(f, root / "blobs" / blob)
        os.symlink(f"../../blobs/{blob}", snapshot / f.name)
    for ref in refs:
        (root / "refs" / ref).write_text(commit)
    return snapshot


@pytest.fixture
def hub(tmp_path, monkeypatch, make):
    cache = tmp_path / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.chdir(tmp_path)
    good = make("fuse-summary/trigger.yaml")
    bad = make("fuse-scale-mismatch/trigger.yaml")
    return {
        "main": cache_model(cache, "acme", "tiny", good.base, COMMIT),
        "v2": cache_model(cache, "acme", "tiny", bad.target, OTHER, refs=("v2",)),
    }


def test_a_name_reads_its_cached_snapshot(hub):
    by_name = ckptlint.check("acme/tiny", config=False)
    assert by_name.target["path"] == str(hub["main"])
    assert by_name.to_json() == ckptlint.check(hub["main"], config=False).to_json()


def test_revisions_by_branch_and_by_commit(hub):
    assert ckptlint.check("acme/tiny@v2", config=False).target["path"] == str(hub["v2"])
    assert ckptlint.check(f"acme/tiny@{OTHER}", config=False).target["path"] == str(hub["v2"])
    with pytest.raises(ckptlint.UsageError, match="revision 'v9' is not"):
        ckptlint.check("acme/tiny@v9", config=False)


def test_hf_home_and_the_cli(hub, tmp_path, monkeypatch, console):
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # HF_HOME/hub
    cli = subprocess.run([console, "check", "acme/tiny", "--no-config", "--format", "json"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout == ckptlint.check("acme/tiny", config=False).to_json()


def test_a_name_not_cached_says_how_to_check_it_remotely(hub, console):
    with pytest.raises(ckptlint.UsageError, match=r"hf://acme/other --no-values"):
        ckptlint.check("acme/other", config=False)
    cli = subprocess.run([console, "check", "acme/other@v1"], capture_output=True, text=True)
    assert cli.returncode == 2 and "ckptlint check hf://acme/other@v1 --no-values" in cli.stderr


def test_a_local_path_wins(hub, tmp_path, make):
    local = tmp_path / "acme" / "tiny"
    shutil.copytree(make("fuse-scale-mismatch/trigger.yaml").target, local)
    assert ckptlint.check("acme/tiny", config=False).target["path"] == "acme/tiny"
