# SPDX-License-Identifier: Apache-2.0
"""Errors a caller can cause raise typed exceptions; a malformed checkpoint never raises."""
import pytest

import ckptlint


def test_unknown_rule_is_a_usage_error_with_the_nearest_id(make):
    m = make("fuse-summary/trigger.yaml")
    with pytest.raises(ckptlint.UsageError, match="mixed-quantisation.*mixed-quantization"):
        ckptlint.check(m.base, select="mixed-quantisation", config=False)


def test_unknown_fail_on_level(make):
    m = make("fuse-summary/trigger.yaml")
    with pytest.raises(ckptlint.UsageError, match="fail_on"):
        ckptlint.check(m.base, fail_on="fatal", config=False)


def test_bad_rule_file_is_a_rule_error_with_its_position(tmp_path, make):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "broken-rule.yaml").write_text("id: broken-rule\nseverity: error\nprimitive: [unclosed\n")
    m = make("fuse-summary/trigger.yaml")
    with pytest.raises(ckptlint.RuleError) as raised:
        ckptlint.check(m.base, rules=pack, config=False)
    e = raised.value
    assert e.file.endswith("broken-rule.yaml")
    assert e.line >= 1 and e.column >= 1
    assert str(e).startswith(f"{e.file}:{e.line}:{e.column}: ")
    with pytest.raises(ckptlint.RuleError):
        ckptlint.rules(rules=[pack])


def test_nothing_to_check_is_not_checked(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ckptlint.NotCheckedError) as raised:
        ckptlint.check(tmp_path, config=False)
    assert isinstance(raised.value, ckptlint.UsageError)
    assert raised.value.path == str(tmp_path)


def test_a_malformed_checkpoint_yields_findings(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"\xff" * 64)
    report = ckptlint.check(str(tmp_path), config=False)
    assert not report.passed
    assert any(f.severity == "error" and f.file == "model.safetensors" for f in report.findings)


def test_layout_and_its_errors(tmp_path, make):
    m = make("fuse-summary/trigger.yaml")
    listing = ckptlint.layout(m.base / "config.json")
    assert listing["schema"] == "ckptlint-layout/1" and listing["count"] == len(listing["tensors"]) > 0
    (tmp_path / "config.json").write_text("[1]")
    with pytest.raises(ckptlint.UsageError, match="not a JSON object"):
        ckptlint.layout(tmp_path / "config.json")


def test_rules_lists_every_rule():
    found = ckptlint.rules()
    ids = [r.id for r in found]
    assert ids == sorted(ids) and "fuse-scale-mismatch" in ids
    r = next(r for r in found if r.id == "fuse-scale-mismatch")
    assert r.severity == "error" and r.cls == "fuse-drift" and r.help
