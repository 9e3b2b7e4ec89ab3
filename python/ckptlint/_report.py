# SPDX-License-Identifier: Apache-2.0
"""Report and Finding: the outcome of one check or diff, read from the report contract
(``ckptlint-report/1``) the native writers produce, so that the objects and ``to_json()``
can never disagree."""
import json
from typing import Any, Dict, List, Optional


class Finding:
    """One finding, as in the JSON report.

    Attributes:
        rule: the rule id (``ckptlint.rules()`` explains it).
        cls: the failure class: the diagnosis (``mixed-quantization``, ``adapter-scale``, ...).
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        message: what is wrong, with the numbers that decide it.
        help: the likely cause and the fix.
        file: the file of the checkpoint it is about, or None.
        tensor: the exact tensor name it is about, or None.
        facts: every value the message was built from (strings).
        json_pointer: the key at fault in ``file``, when known.
        data: the whole JSON object of the finding.
    """

    __slots__ = ("rule", "cls", "severity", "message", "help", "file", "tensor", "facts", "json_pointer", "data")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data
        self.rule: str = data["rule"]
        self.cls: str = data["class"]
        self.severity: str = data["severity"]
        self.message: str = data["message"]
        self.help: str = data.get("help", "")
        self.file: Optional[str] = data.get("file")
        self.tensor: Optional[str] = data.get("tensor")
        self.facts: Dict[str, Any] = data.get("facts", {})
        self.json_pointer: Optional[str] = data.get("json_pointer")

    def __repr__(self) -> str:
        where = self.tensor or self.file or ""
        return f"<Finding {self.severity}[{self.rule}] {where}: {self.message[:80]}>"


class Report:
    """The report of one ``check`` or ``diff``.

    Attributes:
        passed: True when no finding is at or above ``fail_on`` (the command line's exit 0).
        findings: every finding, sorted by file, tensor, rule.
        summary: counts per severity, the classes found and the verdict, as in the JSON.
        target: what was checked (path, kind, family, layout, quantization).
    """

    def __init__(self, outcome: Any) -> None:
        self._outcome = outcome
        self._doc: Optional[Dict[str, Any]] = None
        self._findings: Optional[List[Finding]] = None
        self.passed: bool = outcome.passed()

    def _json(self) -> Dict[str, Any]:
        if self._doc is None:
            self._doc = json.loads(self.to_json())
        return self._doc

    @property
    def findings(self) -> List[Finding]:
        if self._findings is None:
            self._findings = [Finding(f) for f in self._json()["findings"]]
        return self._findings

    @property
    def summary(self) -> Dict[str, Any]:
        return self._json()["summary"]

    @property
    def target(self) -> Dict[str, Any]:
        return self._json()["target"]

    @property
    def exit_code(self) -> int:
        """What the command line would exit with: 0 passed, 1 failed."""
        return self._outcome.exit_code()

    def to_json(self) -> str:
        """The report contract (schema ``ckptlint-report/1``), byte for byte the output of
        ``ckptlint check PATH --format json``."""
        return self._outcome.render("json")

    def to_sarif(self) -> str:
        """SARIF 2.1.0 for code scanning, as ``--format sarif``."""
        return self._outcome.render("sarif")

    def to_html(self) -> str:
        """One self-contained HTML page with the layer map, as ``--format html``."""
        return self._outcome.render("html")

    def to_text(self, *, quiet: bool = False, verbose: bool = False) -> str:
        """The human report of the command line (diagnosis first)."""
        return self._outcome.render("text", quiet, verbose)

    def __repr__(self) -> str:
        s = self.summary
        return f"<Report {s['verdict']}: {s['error']} errors, {s['warning']} warnings, {s['info']} info>"

    def __str__(self) -> str:
        return self.to_text()
