# SPDX-License-Identifier: Apache-2.0
"""For every rule's trigger fixture, the API's report is the command line's JSON byte for
byte, and its verdict the command line's exit code."""
import json
import subprocess

import pytest

import yaml

import ckptlint
from conftest import FIXTURES, materialise

# Harness-only recipes: served from a stand-in Hub, or changed between load and scan.
TRIGGERS = sorted(p for p in FIXTURES.glob("*/trigger*.yaml")
                  if not {"serve", "after-load"} & set(yaml.safe_load(p.read_text()) or {}))


@pytest.mark.parametrize("recipe", TRIGGERS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_trigger_report_is_the_cli_json(recipe, fixture_tool, console, tmp_path):
    m = materialise(fixture_tool, recipe, tmp_path)
    rule = recipe.parent.name
    select = None if m.recipe.get("all-rules") else rule
    cli = subprocess.run([console, *m.cli_args(), "--format", "json", "--no-config", "--no-progress",
                          *(["--select", select] if select else [])], capture_output=True, text=True)
    try:
        report = m.api(select=select, config=False)
    except ckptlint.NotCheckedError as e:
        assert cli.returncode == 2, cli.stderr
        assert str(e) in cli.stderr
        return
    assert cli.returncode in (0, 1), cli.stderr
    assert report.to_json() == cli.stdout
    assert report.passed == (cli.returncode == 0)
    assert report.exit_code == cli.returncode
    doc = json.loads(cli.stdout)
    assert [(f.rule, f.cls, f.severity, f.message, f.file, f.tensor, f.facts) for f in report.findings] == [
        (f["rule"], f["class"], f["severity"], f["message"], f.get("file"), f.get("tensor"), f.get("facts", {}))
        for f in doc["findings"]]
    assert report.summary == doc["summary"]
