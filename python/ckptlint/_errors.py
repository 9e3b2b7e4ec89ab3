# SPDX-License-Identifier: Apache-2.0
"""The exceptions of the ckptlint API: errors a caller can cause. A malformed checkpoint is
never one of them; it yields findings."""
from typing import List, NamedTuple


class Error(Exception):
    """Base class of every ckptlint error."""


class UsageError(Error, ValueError):
    """A request ckptlint cannot run, as the command line's exit 2: an unknown rule id, glob
    or class in ``select``/``ignore`` (the message names the nearest id), a bad project config
    or baseline, a repository name that is neither a local path nor in the Hugging Face
    cache, an unknown ``fail_on`` level."""


class NotCheckedError(UsageError):
    """The target could not be checked at all (the command line's exit 2): no safetensors
    file there (a wrong path, weights not downloaded, ``pytorch_model.bin``), or a remote
    path that could not be read. A gate must never treat this as a pass."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class RuleProblem(NamedTuple):
    """One problem in a rule file."""

    file: str
    line: int  #: 1-based; 0 when unknown
    column: int  #: 1-based; 0 when unknown
    message: str


class RuleError(Error):
    """A rule pack (``rules=``, the project config's ``rules:``) that does not load: nothing
    ran. ``file``, ``line`` and ``column`` locate the first problem; ``problems`` lists all,
    and ``str()`` gives each as ``file:line:column: message``."""

    def __init__(self, problems: List[RuleProblem], text: List[str]) -> None:
        super().__init__("\n".join(text))
        self.problems = problems
        first = problems[0]
        self.file = first.file
        self.line = first.line
        self.column = first.column
        self.message = first.message


def rule_error(native_errors) -> RuleError:
    """A RuleError from the native module's (file, line, column, message, text) tuples."""
    return RuleError([RuleProblem(*e[:4]) for e in native_errors], [e[4] for e in native_errors])
