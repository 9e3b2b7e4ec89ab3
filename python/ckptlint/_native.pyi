# SPDX-License-Identifier: Apache-2.0
# Type stubs of the extension module (lint/python/native_module.cpp). Use the ckptlint
# package's functions, not these.
from typing import Any, Callable, List, Optional, Tuple

RuleErrorTuple = Tuple[str, int, int, str, str]  # file, line, column, message, "file:line:column: message"

def version() -> str: ...

class LintRequest:
    command: str
    paths: List[str]
    base: str
    adapter: str
    values: bool
    full: bool
    no_config: bool
    select: List[str]
    ignore: List[str]
    rule_dirs: List[str]
    fail_on: str
    config: str
    jobs: int
    timeout: float
    def __init__(self) -> None: ...

class Outcome:
    usage_error: str
    project_config: str
    rule_errors: List[RuleErrorTuple]
    target_errors: List[Tuple[str, str]]
    def exit_code(self, exit_zero: bool = ...) -> int: ...
    def passed(self) -> bool: ...
    def render(self, format: str, quiet: bool = ..., verbose: bool = ...) -> str: ...

def lint(request: LintRequest, progress: Optional[Callable[[int, int], Any]] = ...) -> Outcome: ...
def rules(rule_dirs: List[str]) -> Tuple[List[dict], List[RuleErrorTuple]]: ...
def layout(config: str, variant: str, recipe: str, rule_dirs: List[str]) -> Tuple[Optional[str], List[str], List[RuleErrorTuple]]: ...
