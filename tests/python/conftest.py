# SPDX-License-Identifier: Apache-2.0
"""The Python package's tests (pytest), run against the package installed into a virtual
environment (.ci/python: build/venv), never against the source tree: `import ckptlint` must
be the installed one. Fixtures are materialised by the project's own ckptlint-fixture."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import ckptlint

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
BUILD = Path(os.environ.get("CKPTLINT_BUILD_DIR", REPO / "build"))


def pytest_configure(config):
    installed = Path(ckptlint.__file__).resolve()
    assert REPO / "python" not in installed.parents, f"testing the source tree, not the installed package: {installed}"


@pytest.fixture(scope="session")
def fixture_tool() -> str:
    tool = BUILD / "ckptlint-fixture"
    assert tool.exists(), f"{tool}: build the project first (cmake --build build)"
    return str(tool)


@pytest.fixture(scope="session")
def console() -> str:
    """The console entry point of the installed package (not build/ckptlint)."""
    exe = Path(sys.prefix) / "bin" / "ckptlint"
    assert exe.exists(), f"{exe}: the package's console entry point is missing"
    return str(exe)


class Materialised:
    """A recipe written out, and how the command line checks it (as tests/support/recipe_run)."""

    def __init__(self, recipe_path: Path, root: Path) -> None:
        self.recipe = yaml.safe_load(recipe_path.read_text())
        self.root = root
        r = self.recipe
        self.is_diff = "fuse" in r or "diff-base" in r
        target_dir = root / "adapter" if "base" in r else root / "fused" if self.is_diff else root
        self.target = target_dir / r["target"] if "target" in r else target_dir
        self.base = root / "base"
        self.adapter = root / "adapter"

    def cli_args(self):
        if self.is_diff:
            args = ["diff", str(self.base), str(self.target)]
            if self.adapter.exists():
                args += ["--adapter", str(self.adapter)]
            return args
        if "base" in self.recipe:
            return ["check", str(self.target), "--base", str(self.base)]
        return ["check", str(self.target)]

    def api(self, **kwargs):
        if self.is_diff:
            return ckptlint.diff(self.base, self.target, adapter=self.adapter if self.adapter.exists() else None, **kwargs)
        if "base" in self.recipe:
            return ckptlint.check(self.target, base=self.base, **kwargs)
        return ckptlint.check(self.target, **kwargs)


def materialise(tool: str, recipe: Path, root: Path) -> Materialised:
    subprocess.run([tool, "recipe", str(recipe), str(root)], check=True, capture_output=True)
    return Materialised(recipe, root)


@pytest.fixture
def make(fixture_tool, tmp_path):
    """make("fuse-summary/trigger.yaml") -> Materialised, in a fresh directory."""
    count = [0]

    def _make(recipe: str) -> Materialised:
        count[0] += 1
        return materialise(fixture_tool, FIXTURES / recipe, tmp_path / f"m{count[0]}")

    return _make
