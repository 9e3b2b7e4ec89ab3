# SPDX-License-Identifier: Apache-2.0
"""ckptlint: a consistency linter for safetensors checkpoints and LoRA adapters.

The same checks as the ``ckptlint`` command, for fuse and publishing scripts::

    import ckptlint

    report = ckptlint.diff("base", "fused", adapter="adapter")
    if not report.passed:
        print(report.to_text())
        raise SystemExit(1)

Paths may be ``str``, ``os.PathLike``, ``hf://ORG/REPO[@REVISION]`` (read remotely, headers
only) or ``ORG/REPO[@REVISION]`` (the snapshot in the local Hugging Face cache). A malformed
checkpoint never raises: it yields findings. Errors the caller can cause raise
:class:`UsageError` (and its :class:`NotCheckedError`) or :class:`RuleError`. The GIL is
released while a check runs, so checks in several threads run at once.
"""
import json
import os
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _native
from ._errors import Error, NotCheckedError, RuleError, RuleProblem, UsageError, rule_error
from ._report import Finding, Report

__all__ = [
    "check", "diff", "layout", "rules", "Report", "Finding", "Rule", "Error", "UsageError",
    "NotCheckedError", "RuleError", "RuleProblem", "__version__",
]
__version__: str = _native.version()

PathArg = Union[str, "os.PathLike[str]"]
Selectors = Union[None, str, Iterable[str]]
Progress = Optional[Callable[[int, int], Any]]


def _path(p: Optional[PathArg]) -> str:
    return "" if p is None else os.fspath(p)


def _list(value: Selectors) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _dirs(value: Union[None, PathArg, Iterable[PathArg]]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def _run(command: str, paths: List[str], *, base: str, adapter: str, values: bool, full: bool,
         select: Selectors, ignore: Selectors, rules: Any, fail_on: Optional[str],
         config: Union[None, bool, PathArg], jobs: int, timeout: float, progress: Progress) -> Report:
    request = _native.LintRequest()
    request.command = command
    request.paths = paths
    request.base = base
    request.adapter = adapter
    request.values = bool(values)
    request.full = bool(full)
    request.select = _list(select)
    request.ignore = _list(ignore)
    request.rule_dirs = _dirs(rules)
    if fail_on is not None and fail_on not in ("error", "warning", "info"):
        raise UsageError(f"unknown level '{fail_on}' for fail_on (error, warning or info)")
    request.fail_on = fail_on or ""
    if config is False:
        request.no_config = True
    elif config is not None and config is not True:
        request.config = os.fspath(config)
    request.jobs = int(jobs)
    request.timeout = float(timeout)
    outcome = _native.lint(request, progress)
    if outcome.rule_errors:
        raise rule_error(outcome.rule_errors)
    if outcome.usage_error:
        raise UsageError(outcome.usage_error)
    for path, message in outcome.target_errors:
        raise NotCheckedError(path, message)
    return Report(outcome)


def check(path: PathArg, *, base: Optional[PathArg] = None, adapter: Optional[PathArg] = None,
          values: bool = True, select: Selectors = None, ignore: Selectors = None,
          rules: Union[None, PathArg, Iterable[PathArg]] = None, fail_on: Optional[str] = None,
          config: Union[None, bool, PathArg] = None, jobs: int = 0, timeout: float = 30.0,
          progress: Progress = None) -> Report:
    """Checks a checkpoint directory, one ``.safetensors`` file or an adapter directory, as
    ``ckptlint check PATH``.

    Args:
        path: what to check.
        base: with an adapter as ``path``, the model it is for (``--base``).
        adapter: with a checkpoint as ``path``, an adapter to check against it (``--adapter``);
            the report is then the adapter's.
        values: scan tensor data for NaN/Inf (``values=False`` is ``--no-values``).
        select: rule ids, globs or class names (a string or several); also enables opt-in rules.
        ignore: rule ids, globs or class names to leave out.
        rules: more rule pack directories (``--rules``).
        fail_on: ``"error"``, ``"warning"`` or ``"info"``: the lowest severity that fails;
            None: the project config's, else ``"error"``.
        config: the project config: None finds ``.ckptlint.yaml`` from the working directory
            upward (never inside a checked path), as the command line does; a path names one;
            False reads none (``--no-config``).
        jobs: threads of the value scan (0: all cores).
        timeout: seconds per HTTP request of a remote path.
        progress: called as ``progress(bytes_done, bytes_total)`` during the value scan,
            about ten times a second and once at its end, from the calling thread.

    Returns:
        The :class:`Report`; ``report.passed`` is the verdict.

    Raises:
        UsageError: an unknown selector, a bad project config, a repository name not cached.
        NotCheckedError: nothing to check at ``path`` (no safetensors file), or a remote read failed.
        RuleError: a rule pack does not load.
    """
    if adapter is not None:
        paths, checked_base, checked_adapter = [_path(path)], "", _path(adapter)
    else:
        paths, checked_base, checked_adapter = [_path(path)], _path(base), ""
    return _run("check", paths, base=checked_base, adapter=checked_adapter, values=values, full=False,
                select=select, ignore=ignore, rules=rules, fail_on=fail_on, config=config, jobs=jobs,
                timeout=timeout, progress=progress)


def diff(base: PathArg, fused: PathArg, *, adapter: Optional[PathArg] = None, values: bool = True,
         full: bool = False, select: Selectors = None, ignore: Selectors = None,
         rules: Union[None, PathArg, Iterable[PathArg]] = None, fail_on: Optional[str] = None,
         config: Union[None, bool, PathArg] = None, jobs: int = 0, timeout: float = 30.0,
         progress: Progress = None) -> Report:
    """What a fuse changed from ``base`` to ``fused``, as ``ckptlint diff BASE FUSED``; with
    ``adapter``, whether each LoRA target got scale · B·A as the adapter's config says. The
    fused side also gets every check rule.

    Args:
        base: the model before the fuse.
        fused: the fused model.
        adapter: the adapter that was fused (``--adapter``).
        values: compare and scan tensor data (``values=False`` is ``--no-values``).
        full: fit every row of each LoRA target instead of a sample (``--full``).
        select, ignore, rules, fail_on, config, jobs, timeout, progress: as for :func:`check`.

    Returns:
        The :class:`Report` of the fused side.

    Raises:
        UsageError, NotCheckedError, RuleError: as for :func:`check`.
    """
    return _run("diff", [_path(base), _path(fused)], base="", adapter=_path(adapter), values=values, full=full,
                select=select, ignore=ignore, rules=rules, fail_on=fail_on, config=config, jobs=jobs,
                timeout=timeout, progress=progress)


def layout(config: PathArg, *, variant: Optional[str] = None, recipe: Optional[str] = None,
           rules: Union[None, PathArg, Iterable[PathArg]] = None) -> Dict[str, Any]:
    """The tensors a ``config.json`` implies, as ``ckptlint layout CONFIG --format json``.

    Args:
        config: the path of a ``config.json``.
        variant: the key layout (``"mlx"``, ``"hf"``, ``"text-only"``); None: the config's.
        recipe: which modules a quantized config quantizes (``"mlx-vlm"``, ``"mlx-lm"``,
            ``"ple-safe"``); None: the layout model's default.
        rules: more rule pack directories (layout models in them are used).

    Returns:
        The ``ckptlint-layout/1`` document: ``layout``, ``variant``, ``recipe``, ``tensors``
        (each ``{"name", "dtype", "shape"}``, ``"optional": True`` when it may be absent),
        ``count`` and ``total_size`` in bytes.

    Raises:
        UsageError: the config is not a JSON object, no layout model fits it, or it cannot
            be expanded (the message says why).
        RuleError: a rule pack does not load.
    """
    listing, errors, rule_errors = _native.layout(_path(config), variant or "", recipe or "", _dirs(rules))
    if rule_errors:
        raise rule_error(rule_errors)
    if listing is None:
        raise UsageError("; ".join(errors))
    return json.loads(listing)


class Rule:
    """One rule: ``id``, ``severity`` (default), ``cls`` (its failure class), ``summary``,
    ``message`` (template), ``help``, ``references``, ``enabled_by_default``, ``primitive``
    and ``source`` (the YAML file it came from)."""

    __slots__ = ("id", "severity", "cls", "summary", "message", "help", "references", "enabled_by_default",
                 "primitive", "source")

    def __init__(self, data: Dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, data[name])

    def __repr__(self) -> str:
        return f"<Rule {self.id} ({self.severity}, {self.cls})>"


def rules(*, rules: Union[None, PathArg, Iterable[PathArg]] = None) -> List[Rule]:
    """Every rule, sorted by id, as ``ckptlint rules`` lists them: the built-in packs plus
    the directories in ``rules``.

    Raises:
        RuleError: a rule pack does not load.
    """
    found, errors = _native.rules(_dirs(rules))
    if errors:
        raise rule_error(errors)
    return [Rule(r) for r in found]
